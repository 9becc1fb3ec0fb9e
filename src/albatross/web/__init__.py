"""The HTTP layer (Litestar): it maps requests to commands and queries, and errors to problems."""
