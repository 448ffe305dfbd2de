"""Site-scale work: one change to many devices, tables in bulk, site backup and restore,
firmware waves, door tests and the commissioning report (no Qt here)."""
