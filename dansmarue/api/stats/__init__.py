"""/api/v1/stats: live delay and backlog figures for managers."""
