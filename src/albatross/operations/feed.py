"""What the live feed may tell of operations events: the airline's members see its fleet,
schedules and profile change; a pilot's bids are their own."""

from albatross.kernel.notifications import feed

for event_type in ("AirlineProfileChanged", "AirportSet", "AirportRemoved"):
    feed.view(event_type, "tenant")
for kind in ("Subfleet", "Aircraft", "Flight"):
    feed.view(f"{kind}Added", "tenant", ("details",))
    feed.view(f"{kind}Changed", "tenant", ("details",))
    feed.view(f"{kind}Removed", "tenant")
feed.view("BidPlaced", "user", ("bid_id", "flight_id", "aircraft_id", "expires_at"))
feed.view("BidRemoved", "user", ("bid_id", "reason"))
