"""Photo serving through unguessable keyed URLs."""
