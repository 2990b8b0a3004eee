"""Profiles: their fields and keys, history, expiry and where each field came from."""
