"""Development conveniences, never active in production (APP_ENV=production)."""
