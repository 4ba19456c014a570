"""/api/v1/reports: intake, the public map, follow and congratulate."""
