"""/moi: the residents' own pages (issue #19.2), an adapter like agentapp.

The landing page of the mailed sign-in link puts the resident in the shared
cookie session (`web_session.log_in_resident`) and lists their reports and
follows; the optional city account (OpenID Connect) signs in the same way.
Routes are thin: the rules are in `access.residents` and `reports.search`.
"""

from dansmarue.residentapp.routes import bp

__all__ = ["bp"]
