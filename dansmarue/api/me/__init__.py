"""/api/v1/me: a person's reports and follows."""
