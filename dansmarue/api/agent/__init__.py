"""Agents' back office: work queue, report view, workflow actions, mass actions."""
