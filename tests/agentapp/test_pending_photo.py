"""The photo kept after a refused action: real Redis, scoped to its agent, expiring."""

import io

from werkzeug.datastructures import FileStorage

from dansmarue.agentapp import pending_photo
from dansmarue.platform.redis_client import get_redis


def _upload(data: bytes, name: str = "trottoir.jpg") -> FileStorage:
    stream = io.BytesIO(data)
    stream.read()  # already read once by the action, as in the route
    return FileStorage(stream=stream, filename=name, content_type="image/jpeg")


def test_kept_for_its_agent_only_and_for_an_hour(app):
    with app.app_context():
        kept = pending_photo.keep(41, _upload(b"jpeg bytes"), None)
        assert kept is not None and kept["name"] == "trottoir.jpg"
        assert pending_photo.load(41, kept["token"]) == b"jpeg bytes"
        assert pending_photo.load(42, kept["token"]) is None  # another agent's token is nothing
        ttl = get_redis().ttl(f"agent:pending-photo:41:{kept['token']}")
        assert 0 < ttl <= pending_photo.TTL_S
        # The re-shown form sends the token back with no new file: the same photo stays.
        assert pending_photo.keep(41, FileStorage(filename=""), kept["token"]) == kept
        assert pending_photo.keep(42, None, kept["token"]) is None
        pending_photo.drop(41, kept["token"])
        assert pending_photo.load(41, kept["token"]) is None


def test_a_new_choice_replaces_the_kept_one(app):
    with app.app_context():
        first = pending_photo.keep(43, _upload(b"first"), None)
        second = pending_photo.keep(43, _upload(b"second", "autre.jpg"), first["token"])
        assert second["token"] != first["token"] and second["name"] == "autre.jpg"
        assert pending_photo.load(43, second["token"]) == b"second"
        assert pending_photo.keep(43, None, None) is None and pending_photo.load(43, None) is None
        pending_photo.drop(43, first["token"])
        pending_photo.drop(43, second["token"])


def test_redis_down_means_choose_again_not_a_500(app):
    with app.app_context():
        app.extensions["redis"] = type(get_redis()).from_url(
            "redis://127.0.0.1:1/0", socket_connect_timeout=0.2
        )
        try:
            assert pending_photo.keep(44, _upload(b"x"), None) is None
            assert pending_photo.load(44, "token") is None
            pending_photo.drop(44, "token")
        finally:
            del app.extensions["redis"]
