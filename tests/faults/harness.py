"""The pieces of the fault tests: a Redis of the test's own (killed and
restarted at will), a contractor's web service and a push gateway that record
every call (the contractor calls back, as real ones do), and a steady load of
residents filing reports with a photo, an e-mail address and a push token."""

from __future__ import annotations

import io
import json
import queue
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import requests
from PIL import Image
from redis import Redis
from redis.exceptions import RedisError

from tests.supervisor import free_port


class PrivateRedis:
    """`redis-server` on a free port, without persistence: a SIGKILL loses
    everything it held, as a crashed cache node would."""

    def __init__(self, folder: Path) -> None:
        self.port = free_port()
        self.folder = folder
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 10) -> float:
        """Start it and wait until it answers; returns the time.time() it did."""
        self.folder.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                *("redis-server", "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--dir", str(self.folder)),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        probe = Redis(port=self.port, socket_connect_timeout=0.2, socket_timeout=0.5)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                probe.ping()
                return time.time()
            except RedisError:
                time.sleep(0.02)
            finally:
                probe.close()
        raise AssertionError(f"redis-server on port {self.port} did not answer")

    def kill(self) -> float:
        """SIGKILL: no shutdown, no save. Returns the time.time() it died."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)
        self.process = None
        return time.time()

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(10)
            self.process = None


@dataclass
class Call:
    at: float  # time.time() it arrived
    path: str
    body: dict


class Recorder:
    """A contractor's web service (POST /anomalies) and a push gateway
    (POST /push) on one local HTTP server; every call is kept with its time.
    Each dispatched report is called back (`programmer`, a public state
    change, so the reporter is mailed and the followers pushed) once its
    follow is in (`followed`), by a thread of its own, as a contractor would."""

    def __init__(self, callback_threads: int = 4) -> None:
        self.calls: list[Call] = []
        self.lock = threading.Lock()
        self.followed: dict[str, threading.Event] = {}
        self.callbacks: list[tuple[str, int]] = []  # (reference, final HTTP status)
        self.callback_errors: list[str] = []
        self._todo: queue.Queue[dict | None] = queue.Queue()
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                body = json.loads(raw or b"{}")
                with recorder.lock:
                    recorder.calls.append(Call(time.time(), self.path, body))
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"ok": true}')
                if self.path == "/anomalies":
                    recorder._todo.put(body["anomalie"])

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        self._threads = [threading.Thread(target=self.server.serve_forever, daemon=True)] + [
            threading.Thread(target=self._call_back, daemon=True) for _ in range(callback_threads)
        ]

    @property
    def webhook_url(self) -> str:
        return f"{self.base}/anomalies"

    @property
    def push_url(self) -> str:
        return f"{self.base}/push"

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        for _ in self._threads[1:]:
            self._todo.put(None)
        self.server.shutdown()
        self.server.server_close()

    def of(self, path: str) -> list[Call]:
        with self.lock:
            return [call for call in self.calls if call.path == path]

    def _call_back(self) -> None:
        session = requests.Session()
        while (anomaly := self._todo.get()) is not None:
            reference = anomaly["reference"]
            self.followed.setdefault(reference, threading.Event()).wait(30)
            status = 0
            for _ in range(100):  # 409 until the dispatch job has recorded the transfer
                try:
                    answer = session.post(
                        anomaly["callback_url"],
                        json={
                            "token": anomaly["token"],
                            "status": "programmer",
                            "programming_date": (date.today() + timedelta(days=7)).isoformat(),
                        },
                        timeout=10,
                    )
                    status = answer.status_code
                except requests.RequestException as exc:
                    self.callback_errors.append(f"{reference}: {type(exc).__name__}: {exc}")
                    status = -1
                if status != 409:
                    break
                time.sleep(0.1)
            with self.lock:
                self.callbacks.append((reference, status))


def email_of(number: int) -> str:
    return f"panne-{number}@example.org"


def push_token_of(number: int) -> str:
    return f"push-{number}"


def jpeg(seed: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (seed % 256, 90, 160)).save(buffer, "JPEG")
    return buffer.getvalue()


EXPECTED = {"intake": 201, "follow": 201, "read": 200}


@dataclass
class Outcome:
    started: float  # time.time()
    took: float  # seconds
    what: str  # "intake", "follow" or "read"
    number: int  # the resident's report number: panne-<n>@example.org, push-<n>
    status: int  # HTTP status, 0 when the request failed
    reference: str | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == EXPECTED[self.what]


@dataclass
class Load:
    """`threads` residents, each filing a report every `period` seconds (with a
    photo and an e-mail address), then following it with a push token; and
    `readers` visitors, each reading the newest report and the reports
    around it every `read_period` seconds (no job, only the web tier)."""

    base: str
    category_id: int
    point: dict[str, float]
    recorder: Recorder
    threads: int = 2
    period: float = 0.8
    readers: int = 1
    read_period: float = 0.5
    outcomes: list[Outcome] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _running: list[threading.Thread] = field(default_factory=list)
    _count: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> None:
        people = [(self._resident, n) for n in range(self.threads)]
        people += [(self._reader, n) for n in range(self.readers)]
        for target, n in people:
            thread = threading.Thread(target=target, args=(n,), daemon=True)
            thread.start()
            self._running.append(thread)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._running:
            thread.join(30)

    def created(self) -> list[Outcome]:
        with self._lock:
            return [o for o in self.outcomes if o.what == "intake" and o.status == 201]

    def _next(self) -> int:
        with self._lock:
            self._count += 1
            return self._count

    def _resident(self, n: int) -> None:
        session = requests.Session()
        next_at = time.monotonic() + n * self.period / self.threads
        while not self._stop.is_set():
            self._stop.wait(max(0.0, next_at - time.monotonic()))
            next_at += self.period
            if self._stop.is_set():
                break
            i = self._next()
            intake = self._call(
                session,
                "POST",
                "intake",
                i,
                "/api/v1/reports",
                data={
                    "category_id": str(self.category_id),
                    "latitude": str(self.point["latitude"]),
                    "longitude": str(self.point["longitude"]),
                    "description": f"Tag numéro {i} (test de panne Redis)",
                    "email": email_of(i),
                },
                files={"close": (f"tag-{i}.jpg", jpeg(i), "image/jpeg")},
            )
            if intake.status != 201 or intake.reference is None:
                continue
            follow = self._call(
                session,
                "POST",
                "follow",
                i,
                f"/api/v1/reports/{intake.reference}/followers",
                json={"guid": f"panne-guid-{i}", "push_token": push_token_of(i)},
            )
            follow.reference = intake.reference
            if follow.status == 201:
                self.recorder.followed.setdefault(intake.reference, threading.Event()).set()

    def _reader(self, n: int) -> None:
        session = requests.Session()
        near = f"{self.point['latitude']},{self.point['longitude']}"
        next_at = time.monotonic() + n * self.read_period / max(1, self.readers)
        while not self._stop.is_set():
            self._stop.wait(max(0.0, next_at - time.monotonic()))
            next_at += self.read_period
            if self._stop.is_set():
                break
            newest = next((o.reference for o in reversed(self.created())), None)
            path = f"/api/v1/reports/{newest}" if newest else "/api/v1/categories"
            self._call(session, "GET", "read", 0, path)
            self._call(session, "GET", "read", 0, f"/api/v1/reports?near={near}&radius=50")

    def _call(
        self, session: requests.Session, method: str, what: str, number: int, path: str, **kwargs: object
    ) -> Outcome:
        started = time.time()
        outcome = Outcome(started, 0.0, what, number, 0)
        try:
            answer = session.request(method, self.base + path, timeout=15, **kwargs)  # type: ignore[arg-type]
            outcome.status = answer.status_code
            if what == "intake" and answer.status_code == 201:
                outcome.reference = answer.json()["reference"]
            elif not outcome.ok:
                outcome.error = answer.text[:300]
        except requests.RequestException as exc:
            outcome.error = f"{type(exc).__name__}: {exc}"
        outcome.took = time.time() - started
        with self._lock:
            self.outcomes.append(outcome)
        return outcome
