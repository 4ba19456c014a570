"""Contractor callbacks: status changes reported by third-party contractors."""
