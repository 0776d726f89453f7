"""The pure model of promptsaas: entities, value objects, rules and the policy engine (standard library only)."""
