"""The catalog: agents and their prompt versions, and the declarative catalog document (parse, apply, export)."""
