"""Hub tests: storage, widget and console APIs, handoff, against real processes."""
