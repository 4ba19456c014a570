"""Administration services that belong to no other domain package (issue #13)."""
