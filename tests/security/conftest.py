"""The probes reuse the workers' real SMTP server, contractor and job context."""

from tests.interop.conftest import leaf  # noqa: F401
from tests.workers.conftest import contractor, ctx, jobs_config, smtp  # noqa: F401
