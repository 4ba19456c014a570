"""Access: who is calling and what they may touch.

Owns staff accounts and bearer tokens (`auth`), the scopes of agents
(units and sectors) and managers (direction), as SQL filters (`scopes`), and
residents proving who they are: one-time sign-in links mailed through the
outbox, resident tokens (`residents`).
May import: platform, audit, jobs and notifications (the password-reset and
sign-in mails), and the foundations.
"""
