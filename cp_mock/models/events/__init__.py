"""Events out of a domain: event streams and event triggers."""
