"""Access: who is calling and what they may touch.

Owns staff accounts and bearer tokens (`auth`) and the scopes of agents
(units and sectors) and managers (direction), as SQL filters (`scopes`).
May import: platform and the foundations.
"""
