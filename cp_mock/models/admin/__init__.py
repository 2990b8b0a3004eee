"""Domains and their administration: the domain record and its settings, domain object
types, layouts, the dead-letter queue, tagging."""
