"""The composition room: settings, the container that wires every adapter, and the persistence and LLM wiring."""
