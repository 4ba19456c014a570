"""Notification channels (e-mail, push web hook) and once-only delivery."""
