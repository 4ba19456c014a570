"""Administration of the agents' catalogues (admin role)."""
