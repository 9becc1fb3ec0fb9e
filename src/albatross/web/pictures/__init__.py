"""Pictures drawn on the server as inline SVG from our own data: maps and charts. Pure Python
(no web framework), so they are unit-tested like any function."""
