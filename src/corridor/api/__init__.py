"""The HTTP API of a Corridor node (FastAPI)."""
