"""Results services: measure catalog, cold computation, cache, and scoped reads."""
