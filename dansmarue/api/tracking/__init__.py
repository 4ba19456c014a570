"""/api/v1/track/<token>: the reporter's tracking view."""
