"""Use cases of the proposals feature, one module per area."""
