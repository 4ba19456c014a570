"""Workflow: the DansMaRue state machine and everything that moves a report in it.

Owns the states and the transition table (`states`, `transitions`), the one
entry point for every change (`perform`), the effects of actions
(`effects`), history events, dispatch to units and contractors
(`dispatch`, `contractors`), requalification rules and the agents' work queue.
May import: platform, jobs, catalogue, reports, access, media, sla (overdue) and the foundations.
"""
