"""Albatross: a multi-tenant virtual airline platform on an event-sourced core."""

__version__ = "0.1.0"
