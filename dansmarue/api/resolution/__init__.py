"""Residents declare their own report resolved (real `incidentResolved`)."""
