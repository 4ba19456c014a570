"""A real threaded WSGI server on a free port, for tests of concurrent requests."""

import threading

from werkzeug.serving import WSGIRequestHandler, make_server


class QuietHandler(WSGIRequestHandler):
    """The app logs each request itself (route rule only, no path): werkzeug's
    own line would print paths holding photo keys and tracking tokens."""

    def log_request(self, code="-", size="-"):
        pass


class LiveServer:
    """Serves `app` while the `with` block runs; `url` is its base address."""

    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.thread.join(timeout=10)
