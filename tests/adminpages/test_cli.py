"""`flask users create-admin|enable|reset-password|first-run-hint` (#13.2, #13.5):
the same audited services as /admin, through click's CliRunner with typed input."""

from sqlalchemy import select, update

from dansmarue.access import auth
from dansmarue.models import OutboxJob, PasswordReset, User
from dansmarue.models.audit import AuditEntry

PASSWORD = "un-mot-de-passe-solide"


def _entries(session, user_id: int, action: str) -> list[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.entity == "user", AuditEntry.entity_id == str(user_id))
    return [e for e in session.scalars(query) if e.action == action]


def test_create_admin_prompts_for_a_password_typed_twice(app, session):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["users", "create-admin"], input=f"premier.admin@example.org\n{PASSWORD}\n{PASSWORD}\n"
    )
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output  # hidden input
    user = auth.authenticate("premier.admin@example.org", PASSWORD)
    assert user.role == "admin" and user.active
    assert _entries(session, user.id, "create")


def test_create_admin_refuses_two_different_or_short_passwords(app, session):
    runner = app.test_cli_runner()
    typed = f"autre.admin@example.org\n{PASSWORD}\n{PASSWORD}-pas-pareil\ncourt\n"
    result = runner.invoke(args=["users", "create-admin"], input=typed)
    assert result.exit_code != 0  # out of input after the refusals: aborted
    assert "do not match" in result.output and "at least 12 characters" in result.output
    assert session.scalar(select(User).where(User.email == "autre.admin@example.org")) is None


def test_create_admin_refuses_an_existing_address(app, session):
    auth.create_user("deja.la@example.org", None, "agent")
    session.commit()  # a savepoint of the test's transaction: the command's rollback keeps it
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["users", "create-admin"], input=f"deja.la@example.org\n{PASSWORD}\n{PASSWORD}\n"
    )
    assert result.exit_code != 0 and "existe déjà" in result.output
    assert session.scalar(select(User.role).where(User.email == "deja.la@example.org")) == "agent"


def test_enable_and_reset_password(app, session):
    user = auth.create_user("agent.cli@example.org", None, "agent")
    auth.set_active(user, False)
    runner = app.test_cli_runner()
    enabled = runner.invoke(args=["users", "enable", "AGENT.cli@example.org"])
    assert enabled.exit_code == 0, enabled.output
    session.refresh(user)
    assert user.active and _entries(session, user.id, "enable")

    reset = runner.invoke(args=["users", "reset-password", "agent.cli@example.org"])
    assert reset.exit_code == 0, reset.output
    row = session.scalar(select(PasswordReset).where(PasswordReset.user_id == user.id))
    assert row is not None and row.requested_by_id is None
    jobs = session.scalars(select(OutboxJob).where(OutboxJob.func.contains("password_reset")))
    assert any(row.id in job.args for job in jobs), "the mail of the link was not queued"
    assert _entries(session, user.id, "password_reset_requested")

    unknown = runner.invoke(args=["users", "enable", "personne@example.org"])
    assert unknown.exit_code != 0 and "Aucun compte" in unknown.output


def test_first_run_hint_names_create_admin_until_an_admin_exists(app, session):
    session.execute(update(User).where(User.role == "admin").values(active=False))
    runner = app.test_cli_runner()
    hint = runner.invoke(args=["users", "first-run-hint"])
    assert "flask users create-admin" in hint.output
    auth.create_user("present@example.org", None, "admin")
    assert runner.invoke(args=["users", "first-run-hint"]).output == ""
