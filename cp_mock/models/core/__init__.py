"""What every area shares: the backend's state, its lock, the undo journal, the change
feed, the clock, tags."""
