"""Platform: the mechanisms every domain uses, with no domain rule of its own.

Owns the database pool tuning (`db_pool`), the Redis client, text cleaning,
the photo file store, the savepoint save helper and the health probes.
May import: the foundations only (models, errors, extensions, settings).
"""
