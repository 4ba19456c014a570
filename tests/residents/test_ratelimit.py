"""Anonymous intake is rate limited per address (flask-limiter on Redis)."""

from tests.residents.conftest import ROQUETTE


def test_intake_answers_429_with_retry_after(redis_conn, tmp_path):
    from dansmarue import create_app
    from tests.residents.conftest import config_for

    app = create_app({**config_for(tmp_path), "RATELIMIT_INTAKE": "2 per minute", "RATELIMIT_ENABLED": True})
    client = app.test_client()
    # Invalid bodies are cheap and still count: the limit protects the endpoint.
    statuses = [
        client.post("/api/v1/reports", json={"category_id": 1, **ROQUETTE, "x": 1}).status_code
        for _ in range(3)
    ]
    assert statuses[:2] == [422, 422]
    assert statuses[2] == 429
    response = client.post("/api/v1/reports", json={})
    assert response.status_code == 429
    assert response.mimetype == "application/problem+json"
    assert int(response.headers["Retry-After"]) > 0
    # Reading is not limited; another address has its own budget.
    assert client.get("/api/v1/categories").status_code == 200
    other = client.post("/api/v1/reports", json={}, environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert other.status_code == 422


def test_intake_still_works_when_the_limiter_storage_is_down(app, tmp_path):
    from dansmarue import create_app
    from tests.residents.conftest import config_for

    down = create_app(
        {
            **config_for(tmp_path / "down"),
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1/0",
        }
    )
    try:
        client = down.test_client()
        # A refused body still gets its 422 (not a 500): the limiter steps aside.
        body = {"category_id": 1, **ROQUETTE, "x": 1}
        assert client.post("/api/v1/reports", json=body).status_code == 422
    finally:
        # The limiter is one object: bind it back to a reachable storage.
        create_app(config_for(tmp_path / "up"))
