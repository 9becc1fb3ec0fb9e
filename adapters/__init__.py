"""Adapters: one module per technology. Only albatross.bootstrap imports them."""
