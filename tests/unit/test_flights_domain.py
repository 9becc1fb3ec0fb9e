"""PIREPs, repeated filings, tracks and aircraft state as given-events / when-command / then-events."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from albatross.flights.domain import (
    DUPLICATE_WINDOW_US,
    MAX_TRACK_POINTS,
    READ_ONLY,
    AcarsLogged,
    AircraftFlightReversed,
    AircraftFlown,
    AircraftReleased,
    AircraftState,
    AircraftTaken,
    LogLine,
    Phase,
    Pirep,
    PirepAccepted,
    PirepCancelled,
    PirepCommentAdded,
    PirepCreated,
    PirepDetails,
    PirepFieldsSet,
    PirepFilingRecorded,
    PirepPhaseChanged,
    PirepRejected,
    PirepRouteSet,
    PirepState,
    PirepSubmitted,
    PirepUpdated,
    Position,
    PositionsRecorded,
    RecentFiling,
    Track,
    Waypoint,
)
from albatross.kernel import AlreadyExists, DomainError, DomainEvent, InvalidInput, InvalidState, NotFound

T = "t1"
P = "p1"


def details(**changes: Any) -> PirepDetails:
    base: dict[str, Any] = dict(
        airline="NVA", flight_number="100", departure="EGLL", arrival="LFPG", flight_minutes=75
    )
    return PirepDetails(**{**base, **changes})


def created(source: str = "manual", **changes: Any) -> PirepCreated:
    state = "in_progress" if source == "tracked" else "draft"
    return PirepCreated(
        tenant_id=T,
        pilot_id="u1",
        source=source,
        state=state,
        details=details(**changes),
        at=10,  # type: ignore[arg-type]
    )


SUBMITTED = PirepSubmitted(details=details(), at=20)
ACCEPTED = PirepAccepted(by="staff", at=30)
REJECTED = PirepRejected(reason="no", at=30)
CANCELLED = PirepCancelled(at=30)

# The events that bring a PIREP into each state.
GIVEN: dict[PirepState, list[DomainEvent]] = {
    PirepState.DRAFT: [created("manual")],
    PirepState.IN_PROGRESS: [created("tracked")],
    PirepState.PENDING: [created("manual"), SUBMITTED],
    PirepState.ACCEPTED: [created("manual"), SUBMITTED, ACCEPTED],
    PirepState.REJECTED: [created("manual"), SUBMITTED, REJECTED],
    PirepState.CANCELLED: [created("manual"), CANCELLED],
}
ALL_STATES = list(PirepState)
EDITABLE = {PirepState.DRAFT, PirepState.IN_PROGRESS}


def pirep_in(state: PirepState) -> Pirep:
    pirep = Pirep.fold(P, GIVEN[state])
    assert pirep.state == state
    return pirep


# ---- creating ----


def test_a_manual_report_starts_as_a_draft_and_a_tracked_one_in_progress() -> None:
    assert Pirep(P).create(T, "u1", "manual", details(), now=10) == [created("manual")]
    assert Pirep(P).create(T, "u1", "tracked", details(), now=10) == [created("tracked")]
    draft = Pirep.fold(P, [created("manual")])
    assert (draft.state, draft.phase, draft.source, draft.pilot_id, draft.tenant_id, draft.created_at) == (
        PirepState.DRAFT,
        Phase.INITIATED,
        "manual",
        "u1",
        T,
        10,
    )
    assert Pirep.fold(P, [created("tracked")]).state == PirepState.IN_PROGRESS


def test_an_existing_report_cannot_be_created_again() -> None:
    with pytest.raises(AlreadyExists):
        pirep_in(PirepState.DRAFT).create(T, "u1", "manual", details(), now=11)


def test_a_report_must_arrive_somewhere_else_unless_it_is_a_training_check_or_maintenance_flight() -> None:
    with pytest.raises(InvalidInput) as error:
        Pirep(P).create(T, "u1", "manual", details(arrival="EGLL"), now=10)
    assert "arrival" in error.value.fields
    for flight_type in ("C", "E", "T", "M"):
        assert Pirep(P).create(T, "u1", "manual", details(arrival="EGLL", flight_type=flight_type), now=10)


@pytest.mark.parametrize(
    "decide",
    [
        lambda p: p.update(details()),
        lambda p: p.change_phase(Phase.TAXI),
        lambda p: p.submit(details(), 1),
        lambda p: p.accept("staff", None, 1),
        lambda p: p.reject("why", 1),
        lambda p: p.cancel(1),
        lambda p: p.set_fields({"a": "b"}),
        lambda p: p.set_route([]),
        lambda p: p.comment("c1", "u1", "hi", 1),
    ],
)
def test_every_decision_on_an_unknown_report_is_not_found(decide: Callable[[Pirep], object]) -> None:
    with pytest.raises(NotFound):
        decide(Pirep(P))


# ---- the state graph: every transition, allowed and forbidden ----

SUBMIT_FROM = {PirepState.DRAFT, PirepState.IN_PROGRESS}
ACCEPT_FROM = {("staff", PirepState.PENDING), ("auto", PirepState.PENDING), ("staff", PirepState.REJECTED)}
REJECT_FROM = {PirepState.PENDING, PirepState.ACCEPTED}
CANCEL_FROM = {PirepState.DRAFT, PirepState.IN_PROGRESS}


@pytest.mark.parametrize("state", ALL_STATES)
def test_submit_moves_a_draft_or_a_flight_in_progress_to_pending_and_nothing_else(state: PirepState) -> None:
    filed = details(flight_minutes=90, landing_rate_fpm=-120)
    if state in SUBMIT_FROM:
        events = pirep_in(state).submit(filed, now=50)
        assert events == [PirepSubmitted(details=filed, at=50)]
        after = Pirep.fold(P, [*GIVEN[state], *events])
        assert (after.state, after.details, after.submitted_at, after.phase) == (
            PirepState.PENDING,
            filed,
            50,
            Phase.ARRIVED,
        )
    else:
        with pytest.raises(InvalidState):
            pirep_in(state).submit(filed, now=50)


@pytest.mark.parametrize("state", sorted(SUBMIT_FROM))
def test_submit_requires_the_flight_time(state: PirepState) -> None:
    with pytest.raises(InvalidInput) as error:
        pirep_in(state).submit(details(flight_minutes=None), now=50)
    assert error.value.fields == {"flight_minutes": "required to file a PIREP"}


def test_submit_checks_the_route() -> None:
    with pytest.raises(InvalidInput):
        pirep_in(PirepState.DRAFT).submit(details(arrival="EGLL"), now=50)


def test_a_diverted_flight_stays_diverted_once_filed() -> None:
    pirep = Pirep.fold(
        P,
        [
            created("tracked"),
            PirepPhaseChanged(phase=Phase.DIVERTED),
            PirepSubmitted(details=details(), at=2),
        ],
    )
    assert (pirep.state, pirep.phase) == (PirepState.PENDING, Phase.DIVERTED)


@pytest.mark.parametrize("by", ["staff", "auto"])
@pytest.mark.parametrize("state", ALL_STATES)
def test_accept_from_pending_by_anyone_and_from_rejected_by_staff_only(by: str, state: PirepState) -> None:
    if (by, state) in ACCEPT_FROM:
        rule = "auto-accept rule 1: every PIREP" if by == "auto" else None
        events = pirep_in(state).accept(by, rule, now=60)  # type: ignore[arg-type]
        assert events == [PirepAccepted(by=by, rule=rule, at=60)]  # type: ignore[arg-type]
        after = Pirep.fold(P, [*GIVEN[state], *events])
        assert (after.state, after.accepted_by_rule, after.reject_reason) == (PirepState.ACCEPTED, rule, None)
    else:
        with pytest.raises(InvalidState):
            pirep_in(state).accept(by, None, now=60)  # type: ignore[arg-type]


def test_a_rejected_report_is_not_accepted_automatically() -> None:
    with pytest.raises(InvalidState, match="staff only"):
        pirep_in(PirepState.REJECTED).accept("auto", "auto-accept rule 1: every PIREP", now=60)


@pytest.mark.parametrize("state", ALL_STATES)
def test_reject_from_pending_or_accepted_only(state: PirepState) -> None:
    if state in REJECT_FROM:
        events = pirep_in(state).reject("  fuel was  ", now=70)
        assert events == [PirepRejected(reason="fuel was", at=70)]
        after = Pirep.fold(P, [*GIVEN[state], *events])
        assert (after.state, after.reject_reason) == (PirepState.REJECTED, "fuel was")
    else:
        with pytest.raises(InvalidState):
            pirep_in(state).reject("fuel", now=70)


@pytest.mark.parametrize("reason", ["", "   ", "\n\t"])
@pytest.mark.parametrize("state", ALL_STATES)
def test_reject_needs_a_reason(state: PirepState, reason: str) -> None:
    with pytest.raises(InvalidInput) as error:
        pirep_in(state).reject(reason, now=70)
    assert error.value.fields == {"reason": "required"}


def test_a_long_reason_is_cut_to_1000_characters() -> None:
    [event] = pirep_in(PirepState.PENDING).reject("x" * 5000, now=70)
    assert isinstance(event, PirepRejected) and event.reason == "x" * 1000


def test_staff_move_a_report_between_accepted_and_rejected() -> None:
    events = [*GIVEN[PirepState.PENDING], PirepAccepted(by="auto", rule="r1", at=1)]
    events += Pirep.fold(P, events).reject("late", now=2)
    events += Pirep.fold(P, events).accept("staff", None, now=3)
    events += Pirep.fold(P, events).reject("again", now=4)
    pirep = Pirep.fold(P, events)
    assert (pirep.state, pirep.reject_reason, pirep.version) == (PirepState.REJECTED, "again", 6)
    events += pirep.accept("staff", None, now=5)
    accepted = Pirep.fold(P, events)
    assert (accepted.state, accepted.reject_reason, accepted.accepted_by_rule) == (
        PirepState.ACCEPTED,
        None,
        None,
    )


@pytest.mark.parametrize("state", ALL_STATES)
def test_cancel_only_a_draft_or_a_flight_in_progress(state: PirepState) -> None:
    if state in CANCEL_FROM:
        events = pirep_in(state).cancel(now=80)
        assert events == [PirepCancelled(at=80)]
        after = Pirep.fold(P, [*GIVEN[state], *events])
        assert (after.state, after.phase) == (PirepState.CANCELLED, Phase.CANCELLED)
    else:
        with pytest.raises(InvalidState):
            pirep_in(state).cancel(now=80)


# ---- editing: only a draft or a flight in progress ----

EDITS: list[Callable[[Pirep], list[DomainEvent]]] = [
    lambda p: p.update(details(flight_number="200")),
    lambda p: p.set_fields({"gate": "A1"}),
    lambda p: p.set_route([Waypoint(order=0, name="DVR", lat=51.1, lon=1.3)]),
]


@pytest.mark.parametrize("edit", EDITS)
@pytest.mark.parametrize("state", ALL_STATES)
def test_update_fields_and_route_are_read_only_once_filed(
    state: PirepState, edit: Callable[[Pirep], list[DomainEvent]]
) -> None:
    if state in EDITABLE:
        assert len(edit(pirep_in(state))) == 1
    else:
        with pytest.raises(InvalidState, match="can no longer be changed"):
            edit(pirep_in(state))


def test_read_only_states_are_accepted_rejected_and_cancelled() -> None:
    assert READ_ONLY == {PirepState.ACCEPTED, PirepState.REJECTED, PirepState.CANCELLED}


def test_update_records_new_details_and_the_same_details_record_nothing() -> None:
    pirep = pirep_in(PirepState.DRAFT)
    assert pirep.update(details()) == []
    changed = details(level=35000)
    assert pirep.update(changed) == [PirepUpdated(details=changed)]
    assert Pirep.fold(P, [*GIVEN[PirepState.DRAFT], PirepUpdated(details=changed)]).details == changed
    with pytest.raises(InvalidInput):
        pirep.update(details(arrival="EGLL"))


def test_fields_are_merged_and_only_the_changed_ones_are_recorded() -> None:
    pirep = Pirep.fold(P, [*GIVEN[PirepState.DRAFT], PirepFieldsSet(fields={"gate": "A1", "stand": "5"})])
    assert pirep.fields == {"gate": "A1", "stand": "5"}
    assert pirep.set_fields({"gate": "A1", "stand": "5"}) == []
    assert pirep.set_fields({"gate": "A1", "stand": "6", "pax": "80"}) == [
        PirepFieldsSet(fields={"stand": "6", "pax": "80"})
    ]
    merged = Pirep.fold(
        P, [*GIVEN[PirepState.DRAFT], PirepFieldsSet(fields={"a": "1"}), PirepFieldsSet(fields={"b": "2"})]
    )
    assert merged.fields == {"a": "1", "b": "2"}


def test_a_report_holds_at_most_100_custom_fields() -> None:
    full = Pirep.fold(
        P, [*GIVEN[PirepState.DRAFT], PirepFieldsSet(fields={f"f{i}": "x" for i in range(100)})]
    )
    assert full.set_fields({"f0": "changed"}) == [PirepFieldsSet(fields={"f0": "changed"})]
    with pytest.raises(InvalidInput):
        full.set_fields({"f100": "x"})


def test_the_route_is_kept_in_order_and_the_same_route_records_nothing() -> None:
    a = Waypoint(order=0, name="EGLL", lat=51.5, lon=-0.5)
    b = Waypoint(order=1, name="DVR", lat=51.1, lon=1.3)
    pirep = pirep_in(PirepState.IN_PROGRESS)
    assert pirep.set_route([b, a]) == [PirepRouteSet(waypoints=[a, b])]
    routed = Pirep.fold(P, [*GIVEN[PirepState.IN_PROGRESS], PirepRouteSet(waypoints=[a, b])])
    assert routed.waypoints == [a, b]
    assert routed.set_route([b, a]) == []
    assert routed.set_route([]) == [PirepRouteSet(waypoints=[])]


def test_only_a_flight_in_progress_reports_its_phase() -> None:
    flying = pirep_in(PirepState.IN_PROGRESS)
    assert flying.change_phase(Phase.INITIATED) == []
    assert flying.change_phase(Phase.TAXI) == [PirepPhaseChanged(phase=Phase.TAXI)]
    assert (
        Pirep.fold(P, [*GIVEN[PirepState.IN_PROGRESS], PirepPhaseChanged(phase=Phase.TAXI)]).phase
        == Phase.TAXI
    )
    for state in set(ALL_STATES) - {PirepState.IN_PROGRESS}:
        with pytest.raises(InvalidState):
            pirep_in(state).change_phase(Phase.TAXI)


# ---- comments: in any state, never empty ----


@pytest.mark.parametrize("state", ALL_STATES)
def test_a_comment_is_allowed_in_any_state(state: PirepState) -> None:
    events = pirep_in(state).comment("c1", "staff1", "  nice landing ", now=90)
    assert events == [PirepCommentAdded(comment_id="c1", author_id="staff1", text="nice landing", at=90)]
    after = Pirep.fold(P, [*GIVEN[state], *events])
    assert [(c.id, c.author_id, c.text, c.at) for c in after.comments] == [
        ("c1", "staff1", "nice landing", 90)
    ]
    assert after.state == state


@pytest.mark.parametrize("text", ["", "  ", "\n"])
@pytest.mark.parametrize("state", ALL_STATES)
def test_a_comment_must_not_be_empty(state: PirepState, text: str) -> None:
    with pytest.raises(InvalidInput) as error:
        pirep_in(state).comment("c1", "u1", text, now=90)
    assert "comment" in error.value.fields


def test_a_report_holds_at_most_500_comments() -> None:
    comments = [PirepCommentAdded(comment_id=f"c{i}", author_id="u", text="x", at=i) for i in range(500)]
    with pytest.raises(InvalidState):
        Pirep.fold(P, [*GIVEN[PirepState.ACCEPTED], *comments]).comment("c500", "u", "one more", now=1)


# ---- property: random decisions never leave the graph, and folding reproduces the state ----

# state -> the states one decision may lead to (besides staying put)
GRAPH: dict[PirepState, set[PirepState]] = {
    PirepState.DRAFT: {PirepState.PENDING, PirepState.CANCELLED},
    PirepState.IN_PROGRESS: {PirepState.PENDING, PirepState.CANCELLED},
    PirepState.PENDING: {PirepState.ACCEPTED, PirepState.REJECTED},
    PirepState.ACCEPTED: {PirepState.REJECTED},
    PirepState.REJECTED: {PirepState.ACCEPTED},
    PirepState.CANCELLED: set(),
}

phases = st.sampled_from(list(Phase))
maybe_minutes = st.one_of(st.none(), st.integers(0, 600))
reasons = st.sampled_from(["", "  ", "late", " bad fuel "])
texts = st.sampled_from(["", " ", "ok", "see me"])
field_maps = st.dictionaries(st.sampled_from(["a", "b", "c"]), st.sampled_from(["1", "2"]), max_size=3)
waypoint_lists = st.lists(
    st.builds(
        Waypoint,
        order=st.integers(0, 5),
        name=st.sampled_from(["DVR", "KONAN"]),
        lat=st.just(1.0),
        lon=st.just(2.0),
    ),
    max_size=3,
)


def snapshot(pirep: Pirep) -> dict[str, Any]:
    return dict(vars(pirep))


class PirepMachine(RuleBasedStateMachine):
    """Decide on the report folded from the log; check each decision against the graph, and that
    applying its events one by one equals folding the whole log again."""

    def __init__(self) -> None:
        super().__init__()
        self.events: list[DomainEvent] = []
        self.live = Pirep(P)
        self.clock = 100

    def decide(self, decision: Callable[[Pirep], list[DomainEvent]], *, allowed: bool | None = None) -> None:
        self.clock += 1
        pirep = Pirep.fold(P, self.events)
        before = snapshot(pirep)
        try:
            events = decision(pirep)
        except DomainError:
            assert allowed is not True, "a decision the graph allows was refused"
            assert snapshot(Pirep.fold(P, self.events)) == before
            return
        assert allowed is not False, f"a decision the graph forbids was taken from {before['state']}"
        existed, old = self.live.exists, self.live.state
        for event in events:
            self.live.apply(event)
            self.live.version += 1
        self.events += events
        if existed:
            assert self.live.state == old or self.live.state in GRAPH[old]
        else:
            assert self.live.state in EDITABLE

    @initialize(source=st.sampled_from(["manual", "tracked"]), arrival=st.sampled_from(["LFPG", "EGLL"]))
    def create(self, source: str, arrival: str) -> None:
        self.decide(lambda p: p.create(T, "u1", source, details(arrival=arrival), self.clock))  # type: ignore[arg-type]

    @rule(source=st.sampled_from(["manual", "tracked"]))
    def create_again(self, source: str) -> None:
        self.decide(lambda p: p.create(T, "u1", source, details(), self.clock), allowed=not self.live.exists)  # type: ignore[arg-type]

    @rule(level=st.integers(0, 40000))
    def update(self, level: int) -> None:
        editable = self.live.exists and self.live.state in EDITABLE
        self.decide(lambda p: p.update(details(level=level)), allowed=editable)

    @rule(phase=phases)
    def change_phase(self, phase: Phase) -> None:
        self.decide(
            lambda p: p.change_phase(phase),
            allowed=self.live.state == PirepState.IN_PROGRESS and self.live.exists,
        )

    @rule(minutes=maybe_minutes)
    def submit(self, minutes: int | None) -> None:
        ok = self.live.exists and self.live.state in SUBMIT_FROM and minutes is not None
        self.decide(lambda p: p.submit(details(flight_minutes=minutes), self.clock), allowed=ok)

    @rule(by=st.sampled_from(["staff", "auto"]))
    def accept(self, by: str) -> None:
        ok = self.live.exists and (by, self.live.state) in ACCEPT_FROM
        self.decide(lambda p: p.accept(by, "r" if by == "auto" else None, self.clock), allowed=ok)  # type: ignore[arg-type]

    @rule(reason=reasons)
    def reject(self, reason: str) -> None:
        ok = self.live.exists and self.live.state in REJECT_FROM and bool(reason.strip())
        self.decide(lambda p: p.reject(reason, self.clock), allowed=ok)

    @rule()
    def cancel(self) -> None:
        self.decide(
            lambda p: p.cancel(self.clock), allowed=self.live.exists and self.live.state in CANCEL_FROM
        )

    @rule(fields=field_maps)
    def set_fields(self, fields: dict[str, str]) -> None:
        self.decide(lambda p: p.set_fields(fields), allowed=self.live.exists and self.live.state in EDITABLE)

    @rule(waypoints=waypoint_lists)
    def set_route(self, waypoints: list[Waypoint]) -> None:
        self.decide(
            lambda p: p.set_route(waypoints), allowed=self.live.exists and self.live.state in EDITABLE
        )

    @rule(text=texts)
    def comment(self, text: str) -> None:
        ok = self.live.exists and bool(text.strip())
        self.decide(lambda p: p.comment(f"c{self.clock}", "u1", text, self.clock), allowed=ok)

    @invariant()
    def folding_reproduces_the_state(self) -> None:
        assert snapshot(Pirep.fold(P, self.events)) == snapshot(self.live)

    @invariant()
    def the_state_is_one_of_the_graph(self) -> None:
        assert self.live.state in GRAPH
        if self.live.state == PirepState.PENDING:
            assert self.live.submitted_at is not None
        if self.live.state == PirepState.CANCELLED:
            assert self.live.phase == Phase.CANCELLED


PirepMachine.TestCase.settings = settings(
    max_examples=150, stateful_step_count=25, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
TestPirepDecisions = PirepMachine.TestCase


# ---- a repeated filing within ten minutes returns the report already made ----


def test_the_filing_key_names_pilot_flight_and_airports() -> None:
    assert RecentFiling.key("u1", details(flight_number="ab12")) == "u1:NVAAB12:EGLL:LFPG"


def test_a_first_filing_repeats_nothing() -> None:
    filing = RecentFiling("k")
    assert filing.repeat_of(now=1) is None
    assert filing.record(T, "p1", now=1) == [PirepFilingRecorded(pirep_id="p1", at=1)]


def test_a_filing_repeated_inside_ten_minutes_returns_the_first_report() -> None:
    filing = RecentFiling.fold("k", [PirepFilingRecorded(pirep_id="p1", at=1_000)])
    assert filing.repeat_of(now=1_000) == "p1"
    assert filing.repeat_of(now=1_000 + DUPLICATE_WINDOW_US - 1) == "p1"


def test_a_filing_ten_minutes_or_more_later_is_a_new_report() -> None:
    assert DUPLICATE_WINDOW_US == 10 * 60 * 1_000_000
    filing = RecentFiling.fold("k", [PirepFilingRecorded(pirep_id="p1", at=1_000)])
    assert filing.repeat_of(now=1_000 + DUPLICATE_WINDOW_US) is None
    assert filing.repeat_of(now=1_000 + 3 * DUPLICATE_WINDOW_US) is None


def test_the_latest_filing_is_the_one_repeated() -> None:
    filing = RecentFiling.fold(
        "k",
        [
            PirepFilingRecorded(pirep_id="p1", at=0),
            PirepFilingRecorded(pirep_id="p2", at=DUPLICATE_WINDOW_US),
        ],
    )
    assert filing.repeat_of(now=DUPLICATE_WINDOW_US + 5) == "p2"


# ---- the track: positions upserted by id ----


def pos(id: str, lat: float = 51.0, at: int = 1, **more: Any) -> Position:
    return Position(id=id, lat=lat, lon=0.5, at=at, **more)


def recorded(*positions: Position, added: int | None = None) -> PositionsRecorded:
    """Positions recorded; `added` (the rows with a new id) defaults to all of them."""
    count = len(positions) if added is None else added
    return PositionsRecorded(tenant_id=T, pirep_id="p1", positions=list(positions), added=count)


def test_new_positions_are_recorded() -> None:
    assert Track("p1").record(T, [pos("a"), pos("b")]) == [recorded(pos("a"), pos("b"))]
    assert Track("p1").record(T, []) == []


def test_reposting_identical_rows_records_nothing() -> None:
    track = Track.fold("p1", [recorded(pos("a"), pos("b"))])
    assert track.record(T, [pos("a"), pos("b")]) == []
    assert track.record(T, [pos("b")]) == []


def test_a_changed_row_with_a_known_id_is_the_only_row_recorded() -> None:
    track = Track.fold("p1", [recorded(pos("a"), pos("b"))])
    changed = pos("b", altitude_ft=3000)
    assert track.record(T, [pos("a"), changed, pos("c")]) == [recorded(changed, pos("c"), added=1)]
    replaced = Track.fold("p1", [recorded(pos("a"), pos("b")), recorded(changed)])
    assert replaced.positions == {"a": pos("a"), "b": changed}


def test_the_last_of_an_id_repeated_in_one_batch_wins() -> None:
    first, last = pos("a", lat=1), pos("a", lat=2)
    assert Track("p1").record(T, [first, pos("b"), last]) == [recorded(last, pos("b"))]


def test_a_batch_whose_last_row_of_an_id_is_the_stored_one_changes_nothing() -> None:
    stored = pos("a", lat=1)
    track = Track.fold("p1", [recorded(stored)])
    assert track.record(T, [pos("a", lat=2), stored]) == []


def test_folding_a_track_keeps_the_latest_row_of_each_id() -> None:
    events = [recorded(pos("a", lat=1), pos("b")), recorded(pos("a", lat=3), pos("c"))]
    track = Track.fold("p1", events)
    assert track.positions == {"a": pos("a", lat=3), "b": pos("b"), "c": pos("c")}
    assert track.version == 2


def test_a_track_holds_at_most_the_maximum_number_of_positions() -> None:
    full = Track.fold("p1", [recorded(*(pos(str(i)) for i in range(MAX_TRACK_POINTS)))])
    with pytest.raises(InvalidState):
        full.record(T, [pos("one more")])
    assert full.record(T, [pos("0")]) == []
    assert full.record(T, [pos("0", lat=5)]) == [recorded(pos("0", lat=5), added=0)]  # a re-post adds no row


def test_acars_lines_are_logged_up_to_the_maximum() -> None:
    line = LogLine(kind="log", message="V1", at=1)
    assert Track("p1").log(T, []) == []
    assert Track("p1").log(T, [line]) == [AcarsLogged(tenant_id=T, pirep_id="p1", lines=[line])]
    track = Track.fold("p1", [AcarsLogged(tenant_id=T, pirep_id="p1", lines=[line] * (MAX_TRACK_POINTS - 1))])
    assert track.log_lines == MAX_TRACK_POINTS - 1
    assert track.log(T, [line])
    with pytest.raises(InvalidState):
        track.log(T, [line, line])


# ---- aircraft state: where flights leave an aircraft ----


def flown(
    pirep_id: str, departure: str, arrival: str, minutes: int, fuel: float | None = None
) -> AircraftFlown:
    return AircraftFlown(
        tenant_id=T,
        pirep_id=pirep_id,
        departure=departure,
        arrival=arrival,
        minutes=minutes,
        fuel_on_board_lbs=fuel,
    )


def test_a_new_aircraft_is_nowhere_with_no_hours() -> None:
    aircraft = AircraftState("ac1")
    assert (aircraft.location, aircraft.minutes, aircraft.fuel_on_board_lbs, aircraft.in_use_by) == (
        None,
        0,
        None,
        None,
    )


def test_flying_moves_the_aircraft_and_adds_its_minutes_and_fuel() -> None:
    assert AircraftState("ac1").fly(T, "p1", "EGLL", "LFPG", 70, 5000.0) == [
        flown("p1", "EGLL", "LFPG", 70, 5000.0)
    ]
    aircraft = AircraftState.fold(
        "ac1", [flown("p1", "EGLL", "LFPG", 70, 5000.0), flown("p2", "LFPG", "EDDF", 60)]
    )
    assert (aircraft.location, aircraft.minutes, aircraft.fuel_on_board_lbs) == ("EDDF", 130, None)
    assert aircraft.fly(T, "p1", "EGLL", "LFPG", 70, 5000.0) == []  # once per PIREP


def test_reversing_the_last_flight_returns_the_aircraft_and_its_fuel() -> None:
    events: list[DomainEvent] = [
        flown("p1", "EGLL", "LFPG", 70, 5000.0),
        flown("p2", "LFPG", "EDDF", 60, 3000.0),
    ]
    events += AircraftState.fold("ac1", events).reverse("p2")
    assert events[-1] == AircraftFlightReversed(pirep_id="p2")
    aircraft = AircraftState.fold("ac1", events)
    assert (aircraft.location, aircraft.minutes, aircraft.fuel_on_board_lbs) == ("LFPG", 70, 5000.0)


def test_reversing_an_earlier_flight_leaves_the_later_flights_location() -> None:
    events: list[DomainEvent] = [
        flown("p1", "EGLL", "LFPG", 70, 5000.0),
        flown("p2", "LFPG", "EDDF", 60, 3000.0),
    ]
    events += AircraftState.fold("ac1", events).reverse("p1")
    aircraft = AircraftState.fold("ac1", events)
    assert (aircraft.location, aircraft.minutes, aircraft.fuel_on_board_lbs) == ("EDDF", 60, 3000.0)


def test_reversing_every_flight_leaves_the_aircraft_nowhere_and_unknown_flights_reverse_nothing() -> None:
    aircraft = AircraftState.fold(
        "ac1", [flown("p1", "EGLL", "LFPG", 70), AircraftFlightReversed(pirep_id="p1")]
    )
    assert (aircraft.location, aircraft.minutes) == (None, 0)
    assert aircraft.reverse("p1") == []
    assert AircraftState("ac1").reverse("p9") == []


def test_an_aircraft_is_taken_by_one_report_and_freed_by_its_release_or_flight() -> None:
    assert AircraftState("ac1").take(T, "p1") == [AircraftTaken(tenant_id=T, pirep_id="p1")]
    taken = AircraftState.fold("ac1", [AircraftTaken(tenant_id=T, pirep_id="p1")])
    assert taken.in_use_by == "p1"
    assert taken.take(T, "p1") == []
    assert taken.release("p2") == []
    assert taken.release("p1") == [AircraftReleased(pirep_id="p1")]
    assert (
        AircraftState.fold(
            "ac1", [AircraftTaken(tenant_id=T, pirep_id="p1"), AircraftReleased(pirep_id="p2")]
        ).in_use_by
        == "p1"
    )
    assert (
        AircraftState.fold(
            "ac1", [AircraftTaken(tenant_id=T, pirep_id="p1"), AircraftReleased(pirep_id="p1")]
        ).in_use_by
        is None
    )
    assert (
        AircraftState.fold(
            "ac1", [AircraftTaken(tenant_id=T, pirep_id="p1"), flown("p1", "EGLL", "LFPG", 5)]
        ).in_use_by
        is None
    )
    assert (
        AircraftState.fold(
            "ac1", [AircraftTaken(tenant_id=T, pirep_id="p1"), flown("p2", "EGLL", "LFPG", 5)]
        ).in_use_by
        == "p1"
    )
