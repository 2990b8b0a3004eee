"""Data in: integrations, the sources they read, upload jobs."""
