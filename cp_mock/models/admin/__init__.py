"""Domains and their administration: domain settings, domain object types, layouts, the
dead-letter queue."""
