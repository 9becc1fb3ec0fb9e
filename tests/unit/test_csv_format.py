"""phpVMS 7 CSV files: typed rows, every error located by line and column, and a faithful writer."""

from __future__ import annotations

import csv
import io
import string
from collections.abc import Iterable
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from albatross.operations import csv_format
from albatross.operations.csv_format import (
    COLUMNS,
    FLIGHT_TYPES,
    AircraftRow,
    AirportRow,
    Fare,
    FlightRow,
    MultiItem,
    RowError,
    SubfleetRow,
    format_days,
    format_multi,
    normalise_time,
    parse,
    parse_bool,
    parse_days,
    parse_multi,
    write,
)

FLIGHTS_HEADER = (
    "airline,flight_number,route_code,callsign,route_leg,dpt_airport,arr_airport,alt_airport,days,dpt_time,"
    "arr_time,level,distance,flight_time,flight_type,load_factor,load_factor_variance,pilot_pay,route,notes,"
    "start_date,end_date,active,subfleets,fares,fields"
)

# As phpVMS exports it, with a multi-line quoted note (lines 3-4), five bad rows and a blank line.
FLIGHTS_FILE = f"""{FLIGHTS_HEADER}
VMS,1000,,VMS1K,1,KAUS,KJFK,KEWR,135,0810 CST,1235,350,1477,207,J,85,5,120.5,ZILKR1 CWK J87 IAH,,2024-01-01,2024-12-31,1,A320;B738,Y?price=200&cost=100;F?price=1200,gate=B32;cost index=100
VMS,1001,,,,KJFK,KAUS,,,,,,,225,J,,,,,"Return leg.
Crew change, 30 min",,,,,Y,
VMS,1002,,,,,KJFK,,,,,,,180,J,,,,,,,,,,,
VMS,1003,,,,KAUS,KDFW,,,,,,"1,477",3h,J,,,,,,,,,,,
VMS,1004,,,,KDFW,KAUS,,,,,,,60,Z,,,,,,,,,,,
VMS,1005,,,,KDFW,KIAH,,,,,,,55,F,,,,,,2024-02-30,,,,,
vms,1006,cgo,,2,kiah,kdfw,,1234567,9:05,10:10,,197,65,f,,,,,,,,no,B744,,

VMS,1000,,,1,KAUS,KJFK,,,,,,,207,J,,,,,,,,,,,
"""


# ---- whole files ----


def test_a_phpvms_flights_file_reads_into_typed_rows() -> None:
    result = parse("flights", FLIGHTS_FILE)

    assert result.lines == [2, 3, 9]
    first, second, third = result.rows
    assert first == FlightRow(
        airline="VMS",
        flight_number="1000",
        callsign="VMS1K",
        route_leg="1",
        dpt_airport="KAUS",
        arr_airport="KJFK",
        alt_airport="KEWR",
        days=0b0010101,
        dpt_time="0810 CST",
        arr_time="12:35",
        level=350,
        distance=1477.0,
        flight_time=207,
        flight_type="J",
        load_factor=85.0,
        load_factor_variance=5.0,
        pilot_pay=120.5,
        route="ZILKR1 CWK J87 IAH",
        start_date=date(2024, 1, 1),
        end_date=date(2024, 12, 31),
        active=True,
        subfleets=("A320", "B738"),
        fares=(Fare("Y", {"price": "200", "cost": "100"}), Fare("F", {"price": "1200"})),
        fields={"gate": "B32", "cost index": "100"},
    )
    assert second.notes == "Return leg.\nCrew change, 30 min"
    assert (second.days, second.active, second.flight_type, second.fares) == (0, True, "J", (Fare("Y"),))
    assert (third.airline, third.route_code, third.dpt_airport, third.flight_type) == (
        "VMS",
        "CGO",
        "KIAH",
        "F",
    )
    assert (third.days, third.dpt_time, third.active) == (0b1111111, "09:05", False)


def test_every_bad_row_is_reported_with_every_problem_and_its_line() -> None:
    result = parse("flights", FLIGHTS_FILE)

    assert result.errors == [
        RowError(5, "dpt_airport", "is required"),
        RowError(6, "distance", "should be a number, not '1,477'"),
        RowError(6, "flight_time", "should be a whole number of minutes, not '3h'"),
        RowError(
            7,
            "flight_type",
            "should be a phpVMS flight type (J, F, C, A, E, G, H, I, K, M, O, P, T, W, X), not 'Z'",
        ),
        RowError(8, "start_date", "should be a date YYYY-MM-DD, not '2024-02-30'"),
        RowError(
            11, "flight_number", "has the same airline, flight_number, route_code and route_leg as line 2"
        ),
    ]
    assert not result.ok
    assert str(result.errors[0]) == "line 5, dpt_airport: is required"


def test_a_header_naming_a_column_twice_rejects_the_file() -> None:
    text = "airline,flight_number,dpt_airport,arr_airport,flight_time,dpt_airport\nVMS,1,KAUS,KJFK,60,KAUS\n"
    result = parse("flights", text)
    assert result.rows == []
    assert result.errors == [RowError(1, "dpt_airport", "appears more than once in the header")]


def test_unknown_columns_and_missing_required_columns_are_each_named() -> None:
    result = parse(
        "flights", "airline,flight_number,dpt_airport,flight_time,gate,colour,\nVMS,1,KAUS,60,B3,red,\n"
    )
    assert result.rows == []
    assert [(error.line, error.column) for error in result.errors] == [
        (1, "gate"),
        (1, "colour"),
        (1, None),
        (1, "arr_airport"),
    ]
    assert result.errors[0].message.startswith(
        "is not a column of a phpVMS flights file (airline, flight_number,"
    )
    assert result.errors[2].message == "column 7 has no name"
    assert result.errors[3].message == "is a required column and is missing from the header"


def test_columns_may_come_in_any_order_case_and_optional_ones_may_be_left_out() -> None:
    result = parse(
        "flights", " Flight_Time ,ARR_AIRPORT,dpt_airport,flight_number,airline\n95,EGLL,EHAM,12,KLM\n"
    )
    assert result.errors == []
    assert result.rows == [
        FlightRow(airline="KLM", flight_number="12", dpt_airport="EHAM", arr_airport="EGLL", flight_time=95)
    ]


def test_a_byte_order_mark_crlf_line_ends_and_blank_lines_are_accepted() -> None:
    text = "\ufeffairline,flight_number,dpt_airport,arr_airport,flight_time\r\n\r\nVMS,1,KAUS,KJFK,207\r\n,,,,\r\nVMS,2,KJFK,KAUS,bad\r\n"
    result = parse("flights", text)
    assert [row.flight_number for row in result.rows] == ["1"]
    assert result.lines == [3]
    assert result.errors == [RowError(5, "flight_time", "should be a whole number of minutes, not 'bad'")]


def test_a_row_with_too_few_or_too_many_cells_is_reported_but_trailing_empty_cells_are_fine() -> None:
    text = "airline,flight_number,dpt_airport,arr_airport,flight_time\nVMS,1,KAUS,KJFK\nVMS,2,KAUS,KJFK,60,KDFW\nVMS,3,KAUS,KJFK,60,,\n"
    result = parse("flights", text)
    assert [row.flight_number for row in result.rows] == ["3"]
    assert result.errors == [
        RowError(2, None, "has 4 cells; the header has 5"),
        RowError(3, None, "has 6 cells; the header has 5"),
    ]


def test_rules_across_cells_of_a_row_are_checked() -> None:
    text = (
        "airline,flight_number,dpt_airport,arr_airport,flight_time,start_date,end_date\n"
        "VMS,1,KAUS,KAUS,60,2024-05-01,2024-04-30\n"
    )
    assert parse("flights", text).errors == [
        RowError(2, "arr_airport", "should differ from dpt_airport"),
        RowError(2, "end_date", "is before start_date 2024-05-01"),
    ]


@pytest.mark.parametrize(
    ("column", "cell", "message"),
    [
        ("flight_time", "0", "should be between 1 and 2000, not '0'"),
        ("flight_time", "2001", "should be between 1 and 2000, not '2001'"),
        ("flight_time", "90.5", "should be a whole number of minutes, not '90.5'"),
        ("arr_airport", "KJFKX", "should be an ICAO airport code of 3-4 letters or digits, not 'KJFKX'"),
        ("airline", "VMSX", "should be an airline code of 2-3 letters or digits, not 'VMSX'"),
        ("flight_number", "10-1", "should be up to 10 letters or digits, not '10-1'"),
        ("distance", "nan", "should be a number, not 'nan'"),
        ("distance", "-1", "should be between 0 and 13000, not '-1'"),
        ("level", "FL350", "should be a whole number, not 'FL350'"),
        ("load_factor", "101", "should be between 0 and 100, not '101'"),
        ("days", "8", "should be weekday digits 1-7 (1 = Monday), e.g. 135, not '8'"),
        ("active", "maybe", "should be 1/0, true/false, yes/no or y/n, not 'maybe'"),
        ("end_date", "31/12/2024", "should be a date YYYY-MM-DD, not '31/12/2024'"),
        ("notes", "x" * 2001, "should be at most 2000 characters, not 2001"),
        ("subfleets", "A320?x=1", "should list subfleet type codes such as A320;B738, not 'A320?x=1'"),
        ("subfleets", "A320;A320", "lists subfleet 'A320' twice"),
        ("fares", "Y=1", "should list fare codes such as Y;F or Y?price=200&cost=100, not 'Y=1'"),
        ("fares", "Y?price", "'Y?price' should read CODE?name=value&name=value"),
        ("fields", "gate", "should list name=value pairs such as gate=B32;cost index=100, not 'gate'"),
        ("fields", "a=1;a=2", "gives field 'a' twice"),
    ],
)
def test_a_bad_cell_names_its_column_and_what_it_should_be(column: str, cell: str, message: str) -> None:
    cells = {
        "airline": "VMS",
        "flight_number": "1",
        "dpt_airport": "KAUS",
        "arr_airport": "KJFK",
        "flight_time": "60",
    }
    cells[column] = cell
    result = parse("flights", _csv(cells.keys(), cells.values()))
    assert result.errors == [RowError(2, column, message)]


def _csv(*records: Iterable[str]) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(records)
    return out.getvalue()


def test_an_empty_file_needs_a_header() -> None:
    result = parse("aircraft", "\n\n")
    assert result.errors == [
        RowError(
            1,
            None,
            "the file is empty: it needs a header row (subfleet, iata, icao, hub_id, airport_id, name, "
            "registration, fin, hex_code, mtow, zfw, status)",
        )
    ]


def test_a_file_over_5_mb_or_20000_rows_is_refused_whole() -> None:
    assert parse("airports", "x" * 5_000_001).errors == [
        RowError(0, None, "the file is larger than 5 MB; split it")
    ]
    many = "icao,name,lat,lon\n" + "EGLL,Heathrow,51.47,-0.46\n" * 20_001
    assert parse("airports", many).errors == [
        RowError(0, None, "the file has more than 20000 rows; split it")
    ]
    assert len(parse("airports", many[: -len("EGLL,Heathrow,51.47,-0.46\n")]).errors) == 19_999  # duplicates


def test_a_file_the_csv_reader_cannot_read_is_refused_with_its_line() -> None:
    text = "icao,name,lat,lon\nEGLL,Heathrow,51.47,-0.46\nEGKK," + "x" * 200_000 + ",51.1,-0.19\n"
    result = parse("airports", text)
    assert result.rows == []
    assert [(error.line, error.column) for error in result.errors] == [(3, None)]
    assert result.errors[0].message.startswith("unreadable CSV: field larger than field limit")


def test_an_unknown_kind_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown CSV kind 'pireps'"):
        parse("pireps", "")  # type: ignore[call-overload]


def test_airports_file() -> None:
    text = (
        "icao,iata,name,location,country,timezone,hub,lat,lon,ground_handling_cost,fuel_100ll_cost,fuel_jeta_cost,fuel_mogas_cost\n"
        'egll,lhr,London Heathrow,"London, England",GB,Europe/London,1,51.4706,-0.461941,250,,0.85,\n'
        "KAUS,AUS,Austin Bergstrom,Austin,US,America/Chicago,,95,-97.67,,,,\n"
        "KJFK,JFK,,New York,US,America/New_York,yes,40.64,-73.78,-5,,,\n"
    )
    result = parse("airports", text)
    assert result.rows == [
        AirportRow(
            icao="EGLL",
            iata="LHR",
            name="London Heathrow",
            location="London, England",
            country="GB",
            timezone="Europe/London",
            hub=True,
            lat=51.4706,
            lon=-0.461941,
            ground_handling_cost=250.0,
            fuel_jet_a_cost=0.85,
        )
    ]
    assert result.errors == [
        RowError(3, "lat", "should be between -90 and 90, not '95'"),
        RowError(4, "name", "is required"),
        RowError(4, "ground_handling_cost", "should be between 0 and 1000000000, not '-5'"),
    ]
    assert parse("airports", write("airports", result.rows)).rows == result.rows


def test_subfleets_file_maps_fuel_codes_to_words() -> None:
    text = (
        "airline,hub_id,type,simbrief_type,name,fuel_type,cost_block_hour,cost_delay_minute,ground_handling_multiplier,fares\n"
        "VMS,KAUS,A320-VMS,A320,Airbus A320,1,1200,15.5,100,Y?price=120&capacity=150;J?price=450\n"
        "VMS,,C172,C172,Cessna 172,0,,,,\n"
        "VMS,,J3,,Cub,mogas,,,,\n"
        "VMS,,B744F,,Jumbo,kerosene,,,,\n"
    )
    result = parse("subfleets", text)
    assert [(row.type, row.fuel_type) for row in result.rows] == [
        ("A320-VMS", "jet_a"),
        ("C172", "100ll"),
        ("J3", "mogas"),
    ]
    assert result.rows[0] == SubfleetRow(
        airline="VMS",
        hub="KAUS",
        type="A320-VMS",
        simbrief_type="A320",
        name="Airbus A320",
        fuel_type="jet_a",
        cost_block_hour=1200.0,
        cost_delay_minute=15.5,
        ground_handling_multiplier=100.0,
        fares=(Fare("Y", {"price": "120", "capacity": "150"}), Fare("J", {"price": "450"})),
    )
    assert result.errors == [
        RowError(5, "fuel_type", "should be 0 (100LL), 1 (Jet A) or 2 (MOGAS), not 'kerosene'")
    ]
    written = write("subfleets", result.rows)
    assert written.splitlines()[2] == "VMS,,C172,C172,Cessna 172,0,,,,"
    assert parse("subfleets", written).rows == result.rows


def test_aircraft_statuses_read_phpvms_letters_and_our_words_and_write_letters() -> None:
    header = "subfleet,iata,icao,hub_id,airport_id,name,registration,fin,hex_code,mtow,zfw,status"
    text = (
        f"{header}\n"
        "A320-VMS,320,A320,KAUS,KJFK,Spirit of Austin,n320va,101,a1b2c3,78000,62500,A\n"
        "A320-VMS,,,,,Two,N321VA,,,,,s\n"
        "A320-VMS,,,,,Three,N322VA,,,,,R\n"
        "A320-VMS,,,,,Four,N323VA,,,,,C\n"
        "A320-VMS,,,,,Five,N324VA,,,,,W\n"
        "A320-VMS,,,,,Six,N325VA,,,,,maintenance\n"
        "A320-VMS,,,,,Seven,N326VA,,,,,written_off\n"
        "A320-VMS,,,,,Eight,N327VA,,,,,\n"
        "A320-VMS,,,,,Nine,N328VA,,xyz,60000,70000,X\n"
    )
    result = parse("aircraft", text)
    assert result.rows[0] == AircraftRow(
        subfleet="A320-VMS",
        iata="320",
        icao="A320",
        home="KAUS",
        location="KJFK",
        name="Spirit of Austin",
        registration="N320VA",
        fin="101",
        hex_code="A1B2C3",
        mtow=78000.0,
        zfw=62500.0,
        status="active",
    )
    assert [row.status for row in result.rows] == [
        "active",
        "stored",
        "retired",
        "retired",
        "written_off",
        "maintenance",
        "written_off",
        "active",
    ]
    assert result.errors == [
        RowError(10, "hex_code", "should be a transponder code of up to 6 hex digits, not 'xyz'"),
        RowError(
            10,
            "status",
            "should be A, S, R, C, W or active, maintenance, stored, retired, written_off, not 'X'",
        ),
    ]
    written = write("aircraft", result.rows)
    assert [line.rsplit(",", 1)[1] for line in written.splitlines()[1:]] == [
        "A",
        "S",
        "R",
        "R",
        "W",
        "M",
        "W",
        "A",
    ]
    assert parse("aircraft", written).rows == result.rows


def test_an_aircraft_cannot_weigh_more_empty_than_at_take_off() -> None:
    text = "subfleet,name,registration,mtow,zfw\nB738,One,G-ABCD,70000,70001\n"
    assert parse("aircraft", text).errors == [RowError(2, "zfw", "should not exceed mtow")]


def test_write_emits_the_full_phpvms_header_and_refuses_rows_of_another_kind() -> None:
    row = FlightRow(airline="VMS", flight_number="1", dpt_airport="KAUS", arr_airport="KJFK", flight_time=207)
    written = write("flights", [row])
    assert written == f"{FLIGHTS_HEADER}\r\nVMS,1,,,,KAUS,KJFK,,,,,,,207,J,,,,,,,,1,,,\r\n"
    assert written.split("\r\n")[0].split(",") == list(COLUMNS["flights"])
    with pytest.raises(TypeError):
        write("aircraft", [row])  # type: ignore[list-item]


def test_write_refuses_values_the_multi_value_format_cannot_carry() -> None:
    row = FlightRow(
        airline="VMS",
        flight_number="1",
        dpt_airport="KAUS",
        arr_airport="KJFK",
        flight_time=60,
        subfleets=("A;B",),
    )
    with pytest.raises(ValueError, match="multi-value"):
        write("flights", [row])


# ---- cell encodings ----


@pytest.mark.parametrize(
    ("text", "mask"),
    [
        ("", 0),
        ("1", 0b1),
        ("135", 0b10101),
        ("67", 0b1100000),
        ("7", 0b1000000),
        ("1234567", 127),
        ("531", 0b10101),
    ],
)
def test_days_are_iso_weekday_digits_read_into_a_monday_first_mask(text: str, mask: int) -> None:
    assert parse_days(text) == mask
    assert parse_days(format_days(mask)) == mask


def test_days_are_written_in_weekday_order() -> None:
    assert format_days(0b10101) == "135"
    assert format_days(0) == ""
    with pytest.raises(ValueError):
        format_days(128)


@pytest.mark.parametrize("text", ["0", "8", "1,3", "Mon"])
def test_days_other_than_digits_1_to_7_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_days(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", True),
        ("TRUE", True),
        ("Yes", True),
        ("y", True),
        ("0", False),
        ("false", False),
        ("NO", False),
        ("n", False),
    ],
)
def test_booleans_read_the_usual_spellings(text: str, expected: bool) -> None:
    assert parse_bool(text, default=not expected) is expected


def test_an_empty_boolean_takes_the_default() -> None:
    assert parse_bool(" ", default=True) is True
    assert parse_bool("", default=False) is False


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0830", "08:30"),
        ("08:30", "08:30"),
        ("830", "08:30"),
        ("8:30", "08:30"),
        ("23:59:00", "23:59"),
        ("8:30 pm", "20:30"),
        ("12:05am", "00:05"),
        ("0810 CST", "0810 CST"),
        ("2400", "2400"),
        ("noon", "noon"),
    ],
)
def test_times_read_as_hh_mm_when_they_can_and_stay_as_written_otherwise(text: str, expected: str) -> None:
    assert normalise_time(text) == expected


def test_multi_values_read_attributes_pairs_and_bare_values() -> None:
    assert parse_multi("Y?price=200&cost=100;F?price=1200") == [
        MultiItem("Y", attrs={"price": "200", "cost": "100"}),
        MultiItem("F", attrs={"price": "1200"}),
    ]
    assert parse_multi("gate=B32;cost index=100") == [
        MultiItem("gate", "B32"),
        MultiItem("cost index", "100"),
    ]
    assert parse_multi(" A320 ; B738 ;") == [MultiItem("A320"), MultiItem("B738")]
    assert parse_multi("") == []


def test_an_equals_sign_before_the_question_mark_makes_a_pair_whose_value_may_hold_both() -> None:
    assert parse_multi("note=why? price=1&x") == [MultiItem("note", "why? price=1&x")]
    assert parse_multi("J?fare=a=b") == [MultiItem("J", attrs={"fare": "a=b"})]


@pytest.mark.parametrize("text", ["?price=1", "Y?price", "Y?price=1&price=2", "=B32"])
def test_malformed_multi_values_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_multi(text)


def test_multi_values_are_written_back_as_read() -> None:
    for text in ["Y?price=200&cost=100;F?price=1200", "gate=B32;cost index=100", "A320;B738", "gate=", ""]:
        assert format_multi(parse_multi(text)) == text


@pytest.mark.parametrize(
    "item",
    [
        MultiItem("A;B"),
        MultiItem("a=b"),
        MultiItem("k", "v;w"),
        MultiItem("Y", attrs={"p": "1&2"}),
        MultiItem(" Y"),
    ],
)
def test_multi_values_the_format_cannot_carry_are_refused_on_write(item: MultiItem) -> None:
    with pytest.raises(ValueError):
        format_multi([item])


def test_every_phpvms_flight_type_has_a_label() -> None:
    assert set(FLIGHT_TYPES) == set("JFCAEGHIKMOPTWX")
    assert FLIGHT_TYPES["J"] == "Scheduled passenger"
    assert FLIGHT_TYPES["P"] == "Positioning"


# ---- round trip ----


def _code(alphabet: str, low: int, high: int) -> st.SearchStrategy[str]:
    return st.text(alphabet, min_size=low, max_size=high)


def _free_text(max_size: int, banned: str = "") -> st.SearchStrategy[str]:
    # As a parsed cell is: stripped, and without the characters the column reserves.
    return st.text(st.characters(exclude_characters=banned), max_size=max_size).map(str.strip)


_UPPER = string.ascii_uppercase + string.digits
_optional_text = st.one_of(st.none(), _free_text(10).filter(bool))
_money = st.one_of(st.none(), st.floats(0, 1e9, allow_nan=False))
_fares = st.lists(
    st.builds(
        Fare,
        _code(string.ascii_letters + string.digits + "_-", 1, 8),
        st.dictionaries(_free_text(8, ";?&=").filter(bool), _free_text(8, ";&"), max_size=3),
    ),
    max_size=4,
    unique_by=lambda fare: fare.code,
).map(tuple)
_time = st.one_of(
    st.none(),
    st.times().map(lambda time: time.strftime("%H:%M")),
    st.sampled_from(["0810 CST", "8am", "noon"]),
)


@st.composite
def flight_rows(draw: st.DrawFn, flight_number: str) -> FlightRow:
    dpt, arr = draw(st.lists(_code(_UPPER, 3, 4), min_size=2, max_size=2, unique=True))
    start, end = sorted(draw(st.lists(st.dates(), min_size=2, max_size=2)))
    return FlightRow(
        airline=draw(_code(_UPPER, 2, 3)),
        flight_number=flight_number,
        route_code=draw(st.none() | _code(_UPPER, 1, 5)),
        callsign=draw(_optional_text),
        route_leg=draw(st.none() | _code(_UPPER, 1, 5)),
        dpt_airport=dpt,
        arr_airport=arr,
        alt_airport=draw(st.none() | _code(_UPPER, 3, 4)),
        days=draw(st.integers(0, 127)),
        dpt_time=draw(_time),
        arr_time=draw(_time),
        level=draw(st.none() | st.integers(0, 60000)),
        distance=draw(st.none() | st.floats(0, 13000)),
        flight_time=draw(st.integers(1, 2000)),
        flight_type=draw(st.sampled_from(sorted(FLIGHT_TYPES))),
        load_factor=draw(st.none() | st.floats(0, 100)),
        load_factor_variance=draw(st.none() | st.floats(0, 100)),
        pilot_pay=draw(_money),
        route=draw(_free_text(40)),
        notes=draw(_free_text(40)),
        start_date=draw(st.none() | st.just(start)),
        end_date=draw(st.none() | st.just(end)),
        active=draw(st.booleans()),
        subfleets=tuple(
            draw(st.lists(_code(string.ascii_letters + string.digits + "_-", 1, 8), max_size=4, unique=True))
        ),
        fares=draw(_fares),
        fields=draw(st.dictionaries(_free_text(10, ";?&=").filter(bool), _free_text(20, ";"), max_size=3)),
    )


@st.composite
def flight_files(draw: st.DrawFn) -> list[FlightRow]:
    numbers = draw(st.lists(_code(_UPPER, 1, 10), max_size=5, unique=True))
    return [draw(flight_rows(number)) for number in numbers]


@settings(deadline=None)
@given(flight_files())
def test_flights_written_then_read_are_the_same_rows(rows: list[FlightRow]) -> None:
    result = parse("flights", write("flights", rows))
    assert result.errors == []
    assert result.rows == rows


def test_the_phpvms_file_written_back_reads_the_same() -> None:
    rows = parse("flights", FLIGHTS_FILE).rows
    assert parse("flights", write("flights", rows)).rows == rows


def test_limits_are_module_constants() -> None:
    assert (csv_format.MAX_BYTES, csv_format.MAX_ROWS) == (5_000_000, 20_000)
