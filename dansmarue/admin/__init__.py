"""Administration services that belong to no other domain package (issue #13):
units and sectors. May import: platform, audit and the foundations."""
