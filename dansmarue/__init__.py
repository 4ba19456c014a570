"""DansMaRue: a backend for reporting anomalies in public space.

Importing this package builds nothing and connects to nothing;
`create_app()` does the work. It only puts marshmallow's messages in French
first, before any schema is defined (#19.15, `platform.french_messages`).
"""

from flask import Flask

from dansmarue.platform import french_messages

french_messages.install()


def create_app(config: dict | None = None) -> Flask:
    """Build the Flask app; `config` overrides the environment settings."""
    from dansmarue import (
        adminpages,
        agentapp,
        city,
        contractorapp,
        dashboard,
        observe,
        residentapp,
        subscribers,
        web_headers,
        web_request,
    )
    from dansmarue import api as api_package
    from dansmarue.api.metrics import routes as metrics_routes
    from dansmarue.api.security import authenticate_first
    from dansmarue.cli import register_cli
    from dansmarue.errors import register_error_handlers
    from dansmarue.extensions import api, db, limiter, migrate
    from dansmarue.platform import (
        db_pool,  # noqa: F401 (pool events)
        logs,
        production,
    )
    from dansmarue.settings import Config
    from dansmarue.unit_of_work import UnitOfWorkFlask

    app = UnitOfWorkFlask(__name__)
    app.request_class = web_request.WireRequest  # raw bytes in a query string (#20.3)
    app.json = web_request.WireJSONProvider(app)  # too deep or NaN: invalid JSON
    app.url_map.converters.update(web_request.CONVERTERS)  # no NUL in a path segment
    app.config.update(Config().as_dict())
    if config:
        app.config.update(config)
    production.enforce(app.config)
    profile = city.load(app.config["CITY_PROFILE"] or city.DEFAULT_PATH)  # a wrong one stops here
    app.jinja_env.globals["city_profile"] = profile  # mails and pages name the city's authority
    if not app.config.get("TESTING"):
        logs.configure(app.config["LOG_LEVEL"], app.config["LOG_FORMAT"])

    db.init_app(app)
    migrate.init_app(
        app, db, directory=_migrations_dir(), compare_type=True, render_as_batch=False, **_alembic_helpers()
    )
    limiter.init_app(app)
    api.init_app(app)
    api_package.register_blueprints(api)
    app.before_request(authenticate_first)  # before any body is read or parsed
    app.before_request(api_package.refuse_unread_body)
    app.register_blueprint(dashboard.bp)
    app.register_blueprint(agentapp.bp)
    app.register_blueprint(residentapp.bp)
    app.register_blueprint(contractorapp.bp)
    app.register_blueprint(adminpages.bp)
    app.register_blueprint(metrics_routes.bp)
    if app.config.get("MAIL_SINK_DIR") and not production.is_production(app.config):
        from dansmarue.devtools import routes as devtools_routes

        app.register_blueprint(devtools_routes.bp)
    observe.init_app(app)
    web_headers.init_app(app)
    _serve_docs_assets(app)
    register_error_handlers(app)
    register_cli(app)
    subscribers.connect_all()
    return app


def _migrations_dir() -> str:
    import os

    return os.path.join(os.path.dirname(os.path.dirname(__file__)), "migrations")


def _alembic_helpers() -> dict:
    from geoalchemy2 import alembic_helpers

    return {
        "include_object": alembic_helpers.include_object,
        "process_revision_directives": alembic_helpers.writer,
        "render_item": alembic_helpers.render_item,
    }


def _serve_docs_assets(app: Flask) -> None:
    """Swagger UI's files come from a pinned package: no CDN at run time."""
    from flask import Response, send_from_directory
    from swagger_ui_bundle import swagger_ui_path

    @app.get("/api/docs-assets/<path:filename>")
    def docs_assets(filename: str) -> Response:
        return send_from_directory(swagger_ui_path, filename)
