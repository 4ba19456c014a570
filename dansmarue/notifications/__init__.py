"""Notifications: who hears of what, through which channel, exactly once.

Owns the hook that queues a notification for a public state change
(`hooks`), the channels (e-mail, push web hook) and once-only delivery
(`channels`, `delivery`), and the SLA mails to units and managers (`sla_mails`).
May import: platform, jobs, sla, reports, workflow and the foundations.
"""
