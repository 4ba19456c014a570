"""/prestataire: the page of a contractor without a web hook (issue #19.13),
an adapter like agentapp.

The unit mail of a report sent to an e-mail-only contractor holds a link to
it with the contractor's secret for that dispatch (`workflow.contractors`);
the page shows the report and posts the same callback as
POST /api/v1/contractors/callback/<reference>, through the same service.
"""

from dansmarue.contractorapp.routes import bp

__all__ = ["bp"]
