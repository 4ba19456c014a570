"""Queue names, the Redis connection and the retry policy of outbox jobs."""

from redis import Redis
from rq import Queue, Retry

from dansmarue.jobs.context import setting
from dansmarue.jobs.registry import QUEUES
from dansmarue.platform.redis_client import get_redis

DEFAULT_MAX_ATTEMPTS = 5
DEFAULT_RETRY_INTERVALS = [30, 120, 600, 1800]  # seconds: 30 s, 2 min, 10 min, 30 min
RESULT_TTL = 3600
FAILURE_TTL = 7 * 24 * 3600


def redis_connection() -> Redis:
    """The app's Redis client (needs an app context)."""
    return get_redis()


def queue_name(name: str) -> str:
    """Full RQ name; unknown names fall back to `default` so no job is stranded."""
    base = name if name in QUEUES else "default"
    return f"{setting('RQ_QUEUE_PREFIX', '')}{base}"


def get_queue(name: str, connection: Redis) -> Queue:
    return Queue(queue_name(name), connection=connection)


def all_queues(connection: Redis) -> list[Queue]:
    return [get_queue(name, connection) for name in QUEUES]


def max_attempts() -> int:
    return max(1, int(setting("JOBS_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS)))


def retry_policy() -> Retry | None:
    """Exponential backoff; after `max_attempts` runs the outbox row is dead."""
    retries = max_attempts() - 1
    if retries <= 0:
        return None
    intervals = list(setting("JOBS_RETRY_INTERVALS", DEFAULT_RETRY_INTERVALS))
    return Retry(max=retries, interval=intervals or 0)


def rq_job_id(outbox_id: int) -> str:
    """Deterministic: relaying the same row twice names the same RQ job."""
    return f"outbox-{outbox_id}"
