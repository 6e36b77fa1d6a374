"""Records in, FHIR R4 resources (plain dicts) out: one module per resource type."""
