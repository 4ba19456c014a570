"""A real threaded WSGI server on a free port, for tests of concurrent requests."""
import threading

from werkzeug.serving import make_server


class LiveServer:
    """Serves `app` while the `with` block runs; `url` is its base address."""

    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.thread.join(timeout=10)
