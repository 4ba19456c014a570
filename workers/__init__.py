"""Background work: the outbox relay, RQ jobs, the worker and the scheduler.

Importing this package builds nothing; `workers.app.get_app()` builds the
Flask app once per process when a job or an entry point needs it.
"""
