"""A follower's own link: /api/v1/follows/<token>."""
