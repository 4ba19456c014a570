"""Reference data (geography, organisation, categories) loaded from `data/`."""
