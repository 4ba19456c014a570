"""Stats: the read models managers look at.

Owns the roll-ups maintained by triggers and folded by the sweep
(`rollups`), the stats API queries (`queries`), the overdue list and its
late counts (`overdue`), scheduled-report tranches, the open-data export and
the dashboard's figures.
May import: platform, access, catalogue, sla, workflow and the foundations.
"""
