"""Airline operations: profile, airports, fleet, schedules and bids."""
