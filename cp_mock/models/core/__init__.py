"""What every area builds on, naming no area: shared helpers, the backend's lock, the undo
journal, the change feed's actions and delivery, the clock, the operation table, the tag
store (the seeding helpers, which wrap the areas' own, besides)."""
