"""Login and logout: bearer tokens for staff accounts."""
