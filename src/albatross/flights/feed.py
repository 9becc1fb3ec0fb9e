"""What the live feed may tell of flights: the airline's members see its flights start, move
and end, and its aircraft move; a pilot's career is their own; comments are for staff."""

from albatross.kernel.notifications import feed

feed.view("PirepCreated", "tenant", ("pilot_id", "source", "state"))
feed.view("PirepUpdated", "tenant")
feed.view("PirepPhaseChanged", "tenant", ("phase",))
feed.view("PirepSubmitted", "tenant")
feed.view("PirepAccepted", "tenant", ("by", "rule"))
feed.view("PirepRejected", "tenant")
feed.view("PirepCancelled", "tenant")
feed.view("PirepRouteSet", "tenant")
feed.view("PirepFieldsSet", "staff")
feed.view("PirepCommentAdded", "staff", ("comment_id",))
feed.view("PositionsRecorded", "tenant", ("pirep_id", "positions"))
feed.view("AcarsLogged", "staff", ("pirep_id",))
for event_type in ("AircraftTaken", "AircraftReleased", "AircraftFlightReversed"):
    feed.view(event_type, "tenant", ("pirep_id",))
feed.view("AircraftFlown", "tenant", ("pirep_id", "arrival", "minutes"))
feed.view("CareerSettingsChanged", "tenant")
feed.view("FlightCredited", "user", ("pirep_id", "minutes", "arrival"))
feed.view("FlightDebited", "user", ("pirep_id",))
feed.view("RankChanged", "user", ("rank", "by"))
feed.view("TransferHoursSet", "user", ("minutes",))
feed.view("AwardGranted", "user", ("award_id", "name"))
feed.view("AwardRevoked", "user", ("award_id",))
feed.view("PirepBriefed", "tenant")
feed.view("BidBriefed", "staff")
