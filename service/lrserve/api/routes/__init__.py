"""One module per resource: ``evaluate`` (stateless tables), ``schedules`` (named), ``ops`` (health)."""
