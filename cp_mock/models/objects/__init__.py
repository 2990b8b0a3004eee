"""Profile objects and standard objects: object types, their mappings, ingestion,
detection, templates."""
