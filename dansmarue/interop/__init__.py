"""Interop: domain services specific to a standard protocol (Open311 keys and
queries). The wire formats themselves live in `dansmarue.api.open311` and
`dansmarue.api.mobile`.
May import: platform, access, catalogue, reports, workflow and the foundations.
"""
