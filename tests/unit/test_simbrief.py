"""SimBrief OFP parsing: the fields a dispatch needs, and every way a paste can be refused."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from albatross.flights.simbrief import MAX_OFP_BYTES, SimbriefPlan, parse_ofp
from albatross.kernel import InvalidInput

OFP_LBS = """<?xml version="1.0" encoding="UTF-8"?>
<OFP>
  <fetch><userid>123456</userid><static_id/><status>Success</status><time>0.0211</time></fetch>
  <params>
    <request_id>149102837</request_id><user_id>123456</user_id><time_generated>1716800000</time_generated>
    <airac>2405</airac><units>lbs</units>
  </params>
  <general>
    <release>1</release><icao_airline>DAL</icao_airline><flight_number>3096</flight_number>
    <is_etops>0</is_etops><cruise_profile>CI 30</cruise_profile><costindex>30</costindex>
    <initial_altitude>35000</initial_altitude><stepclimb_string>KATL/0350</stepclimb_string>
    <gc_distance>303</gc_distance><route_distance>321</route_distance><air_distance>335</air_distance>
    <route>PADGT2 RAFTN DCT HYK DCT</route><route_ifps>PADGT2 RAFTN DCT HYK</route_ifps>
  </general>
  <origin><icao_code>katl</icao_code><iata_code>ATL</iata_code><plan_rwy>26L</plan_rwy></origin>
  <destination><icao_code>KLEX</icao_code><iata_code>LEX</iata_code><plan_rwy>22</plan_rwy></destination>
  <alternate><icao_code>KIND</icao_code><iata_code>IND</iata_code></alternate>
  <navlog>
    <fix><ident>RAFTN</ident><type>wpt</type><pos_lat>34.2</pos_lat><pos_long>-84.1</pos_long></fix>
  </navlog>
  <atc><callsign>DAL3096</callsign><flightplan_text>(FPL-DAL3096-IS)</flightplan_text></atc>
  <aircraft><icaocode>BCS3</icaocode><iatacode>223</iatacode><reg>n574ad</reg><fin>574</fin></aircraft>
  <fuel><taxi>400</taxi><enroute_burn>5307</enroute_burn><reserve>2900</reserve><plan_ramp>14009</plan_ramp></fuel>
  <times><est_time_enroute>4230</est_time_enroute><sched_out>1788816600</sched_out></times>
  <weights><pax_count>138</pax_count><cargo>4564</cargo></weights>
</OFP>
"""

OFP_KGS = """<?xml version="1.0" encoding="UTF-8"?>
<OFP>
  <params><request_id>149555001</request_id><units>kgs</units></params>
  <general>
    <icao_airline/><flight_number/><initial_altitude>36000</initial_altitude>
    <route_distance>684.5</route_distance><route>DENUT5L DENUT M624 SUSAN UN853 PIGOS</route>
  </general>
  <origin><icao_code>EDDF</icao_code></origin>
  <destination><icao_code>LEPA</icao_code></destination>
  <alternate><icao_code/></alternate>
  <atc><callsign/></atc>
  <aircraft><icaocode>A20N</icaocode><reg>D-AINA</reg></aircraft>
  <fuel><plan_ramp>12000</plan_ramp></fuel>
  <times><est_time_enroute>6100</est_time_enroute></times>
</OFP>
"""


def refusal(text: str | bytes) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        parse_ofp(text)
    assert set(caught.value.fields) == {"ofp"}
    return caught.value


def test_an_ofp_in_pounds_gives_every_field() -> None:
    assert parse_ofp(OFP_LBS) == SimbriefPlan(
        origin="KATL",
        destination="KLEX",
        alternate="KIND",
        route="PADGT2 RAFTN DCT HYK DCT",
        planned_distance_nm=321.0,
        cruise_level=35000,
        planned_fuel_lbs=14009.0,
        planned_flight_minutes=70,
        callsign="DAL3096",
        airline_icao="DAL",
        flight_number="3096",
        aircraft_icao="BCS3",
        registration="N574AD",
        ofp_id="149102837",
        units="lbs",
    )


def test_an_ofp_in_kilograms_has_its_fuel_converted_and_empty_elements_read_as_none() -> None:
    plan = parse_ofp(OFP_KGS.encode())
    assert plan.units == "kgs"
    assert plan.planned_fuel_lbs == pytest.approx(12000 * 2.20462)
    assert plan.planned_distance_nm == 684.5
    assert plan.cruise_level == 36000
    assert plan.planned_flight_minutes == 102
    assert (plan.alternate, plan.callsign, plan.airline_icao, plan.flight_number) == (None, None, None, None)
    assert plan.registration == "D-AINA"


def test_units_are_read_whatever_their_case() -> None:
    assert parse_ofp(OFP_LBS.replace("<units>lbs", "<units>LBS")).units == "lbs"


@pytest.mark.parametrize(
    "pasted",
    [
        "\n\n   " + OFP_LBS + "\n\t  ",
        "\ufeff" + OFP_LBS,
        b"\xef\xbb\xbf" + OFP_LBS.encode(),
        b"  \r\n\xef\xbb\xbf" + OFP_LBS.encode() + b"\r\n",
    ],
)
def test_pasted_text_with_whitespace_or_a_bom_is_accepted(pasted: str | bytes) -> None:
    assert parse_ofp(pasted).origin == "KATL"


@pytest.mark.parametrize("empty", ["", "   \n\t", b"", "\ufeff", b"\xef\xbb\xbf  "])
def test_empty_input_is_refused(empty: str | bytes) -> None:
    assert refusal(empty).fields == {"ofp": "empty"}


@pytest.mark.parametrize("junk", ["hello", '{"origin": "KATL"}', "<OFP><origin>", OFP_LBS[:400], b"\x00\x01"])
def test_text_that_is_not_xml_is_refused(junk: str | bytes) -> None:
    assert refusal(junk).fields == {"ofp": "not XML"}


def test_bytes_that_are_not_utf8_are_refused() -> None:
    assert refusal(OFP_LBS.replace("DAL3096", "DAL\udc96").encode("utf-8", "surrogateescape")).fields == {
        "ofp": "not UTF-8 text"
    }
    assert refusal("<OFP>\ud800</OFP>").fields == {"ofp": "not UTF-8 text"}


@pytest.mark.parametrize(
    "xml",
    [
        "<html><body>SimBrief</body></html>",
        "<OFP><params><units>lbs</units></params></OFP>",
        "<OFP><origin><icao_code>KATL</icao_code></origin></OFP>",
        "<OFP><origin><icao_code>KATL</icao_code></origin><destination><icao_code> </icao_code></destination></OFP>",
    ],
)
def test_xml_that_is_not_an_ofp_is_refused(xml: str) -> None:
    error = refusal(xml)
    assert error.fields == {"ofp": "not a SimBrief OFP"}
    assert "not a SimBrief OFP" in error.detail


def test_a_failed_simbrief_fetch_passes_its_reason_on() -> None:
    error = refusal("<OFP><fetch><status>Error: Unknown UserID</status></fetch></OFP>")
    assert error.fields == {"ofp": "SimBrief returned an error"}
    assert "Unknown UserID" in error.detail


@pytest.mark.parametrize(
    ("old", "new", "path"),
    [
        ("<icao_code>katl<", "<icao_code>KA<", "origin/icao_code"),
        ("<icao_code>KLEX<", "<icao_code>KLEXX<", "destination/icao_code"),
        ("<icao_code>KIND<", "<icao_code>K-ND<", "alternate/icao_code"),
        ("<icaocode>BCS3<", "<icaocode>BOEING 737<", "aircraft/icaocode"),
        ("<icao_airline>DAL<", "<icao_airline>D@L<", "general/icao_airline"),
    ],
)
def test_a_code_that_is_not_an_icao_code_is_refused(old: str, new: str, path: str) -> None:
    assert refusal(OFP_LBS.replace(old, new)).fields == {"ofp": f"{path} is not an ICAO code"}


@pytest.mark.parametrize(
    ("old", "new", "path"),
    [
        ("<plan_ramp>14009<", "<plan_ramp>lots<", "fuel/plan_ramp"),
        ("<plan_ramp>14009<", "<plan_ramp>-5<", "fuel/plan_ramp"),
        ("<route_distance>321<", "<route_distance>nan<", "general/route_distance"),
        ("<route_distance>321<", "<route_distance>1e999<", "general/route_distance"),
        ("<initial_altitude>35000<", "<initial_altitude>FL350<", "general/initial_altitude"),
        ("<est_time_enroute>4230<", "<est_time_enroute>1:10<", "times/est_time_enroute"),
        ("<est_time_enroute>4230<", "<est_time_enroute>\u0664\u0662<", "times/est_time_enroute"),
    ],
)
def test_a_number_that_is_not_a_number_is_refused(old: str, new: str, path: str) -> None:
    assert refusal(OFP_LBS.replace(old, new)).fields == {"ofp": f"{path} is not a number"}


def test_a_number_too_long_to_be_finite_is_refused() -> None:
    huge = "9" * 400
    error = refusal(OFP_LBS.replace("<plan_ramp>14009<", f"<plan_ramp>{huge}<"))
    assert error.fields == {"ofp": "fuel/plan_ramp is out of range"}


@pytest.mark.parametrize(
    ("element", "value"),
    [("initial_altitude", "1" + "0" * 20), ("route_distance", "20000"), ("est_time_enroute", "99999999")],
)
def test_numbers_beyond_any_real_plan_are_refused(element: str, value: str) -> None:
    text = re.sub(f"<{element}>[^<]*<", f"<{element}>{value}<", OFP_LBS)
    assert refusal(text).fields["ofp"].endswith("is out of range")


@pytest.mark.parametrize(
    ("old", "new", "path"),
    [
        ("<plan_ramp>14009</plan_ramp>", "", "fuel/plan_ramp"),
        ("<route>PADGT2 RAFTN DCT HYK DCT</route>", "<route/>", "general/route"),
        ("<units>lbs</units>", "", "params/units"),
        ("<icaocode>BCS3</icaocode>", "", "aircraft/icaocode"),
    ],
)
def test_a_missing_required_field_is_refused(old: str, new: str, path: str) -> None:
    assert refusal(OFP_LBS.replace(old, new)).fields == {"ofp": f"{path} missing"}


def test_an_unknown_weight_unit_is_refused() -> None:
    assert refusal(OFP_LBS.replace("<units>lbs", "<units>stone")).fields == {"ofp": "unknown weight unit"}


@pytest.mark.parametrize("as_bytes", [False, True])
def test_input_larger_than_5_mb_is_refused(as_bytes: bool) -> None:
    padded = OFP_LBS.replace("</OFP>", " " * MAX_OFP_BYTES + "</OFP>")
    assert refusal(padded.encode() if as_bytes else padded).fields == {"ofp": "larger than 5 MB"}


def test_the_size_limit_counts_encoded_bytes_not_characters() -> None:
    # Fewer characters than the limit, but two bytes each in UTF-8.
    padded = OFP_LBS + "<!-- " + "é" * (MAX_OFP_BYTES // 2 + 1) + " -->"
    assert refusal(padded).fields == {"ofp": "larger than 5 MB"}


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE OFP [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<OFP><origin><icao_code>&lol3;</icao_code></origin></OFP>
"""


@pytest.mark.parametrize(
    "hostile",
    [
        BILLION_LAUGHS,
        BILLION_LAUGHS.encode(),
        '<!doctype OFP SYSTEM "file:///etc/passwd"><OFP/>',
        OFP_LBS.replace("<OFP>", '<OFP><!ENTITY x "y">'),
        # A declared encoding must not smuggle a DOCTYPE past the check.
        '<?xml version="1.0" encoding="UTF-16"?>'.encode("utf-16") + "<!DOCTYPE a []><OFP/>".encode("utf-16"),
    ],
)
def test_doctype_and_entity_declarations_are_refused_before_parsing(hostile: str | bytes) -> None:
    assert refusal(hostile).fields["ofp"] in {"DOCTYPE or ENTITY not allowed", "not UTF-8 text"}


def test_a_doctype_is_refused_with_its_own_reason() -> None:
    error = refusal(BILLION_LAUGHS)
    assert error.fields == {"ofp": "DOCTYPE or ENTITY not allowed"}
    assert "DOCTYPE" in error.detail


@settings(max_examples=300)
@given(st.one_of(st.text(), st.binary()))
def test_arbitrary_input_raises_nothing_but_invalid_input(junk: str | bytes) -> None:
    try:
        parse_ofp(junk)
    except InvalidInput as error:
        assert set(error.fields) == {"ofp"}


@settings(max_examples=200)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
def test_arbitrary_text_in_any_field_raises_nothing_but_invalid_input(value: str) -> None:
    for tag in ("plan_ramp", "route_distance", "icao_code", "units", "icaocode", "est_time_enroute"):
        ofp = OFP_LBS.replace(f"<{tag}>", f"<{tag}>{_escape(value)}", 1)
        try:
            parse_ofp(ofp)
        except InvalidInput as error:
            assert set(error.fields) == {"ofp"}


def _escape(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
