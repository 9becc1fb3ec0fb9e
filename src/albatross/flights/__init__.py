"""Flights and careers: PIREPs, flight tracking, live flights, ranks, awards and aircraft state."""
