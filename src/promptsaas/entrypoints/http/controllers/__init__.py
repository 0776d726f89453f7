"""Controllers grouped by audience: members and API clients, tenant admins, operations."""
