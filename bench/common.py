"""Shared helpers for the benchmarks: a throwaway database, timing, and a local gunicorn.

Every bench runs against bench/results/<city>.sqlite3 (or DATABASE_URL when set, which
should name a throwaway database such as gz_bench), with bench/bench_settings.py.
Servers listen on 127.0.0.1 only; every loop is bounded in requests and in time.
"""

import http.client
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
SETTINGS = "bench.bench_settings"

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def add_city_arguments(parser) -> None:
    """The options every bench shares: the size of the generated city."""
    parser.add_argument("--residents", type=int, default=200_000, help="residents in the city")
    parser.add_argument("--communities", type=int, default=20, help="communities in the city")
    parser.add_argument("--seed", type=int, default=7, help="seed of the data generator")


def db_label(args) -> str:
    return f"city-{args.communities}x{args.residents}-seed{args.seed}"


def setup_django(args) -> str:
    """Point Django at the bench database for this city size, migrate it, describe it."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    if not os.environ.get("DATABASE_URL"):
        os.environ["SQLITE_PATH"] = str(RESULTS / f"{db_label(args)}.sqlite3")
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    return f"Database: {connection.vendor} {connection.settings_dict['NAME']}"


# --- Timing ---------------------------------------------------------------------------------


def percentile(samples: list[float], q: float) -> float:
    """The q-th percentile (0-100) by nearest rank."""
    ordered = sorted(samples)
    rank = max(1, round(q / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


@dataclass
class Timing:
    label: str
    samples: list[float]

    @property
    def p50(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        return percentile(self.samples, 95)

    def line(self, baseline: "Timing | None" = None) -> str:
        """One printed row: p50 and p95, and their multiples of the baseline's."""
        text = f"{self.label:<30} p50 {self.p50 * 1000:8.2f} ms  p95 {self.p95 * 1000:8.2f} ms"
        if baseline:
            text += f"  x{self.p50 / baseline.p50:6.1f} p50  x{self.p95 / baseline.p95:6.1f} p95"
        return text


def time_calls(label: str, fn: Callable[[int], object], n: int = 200, warmup: int = 10) -> Timing:
    """Call fn(i) `warmup` times untimed, then n times, timing each call."""
    return time_interleaved({label: fn}, n, warmup)[0]


def time_interleaved(
    calls: Mapping[str, Callable[[int], object]], n: int = 200, warmup: int = 10
) -> list[Timing]:
    """Time several callables in turns, so that noise on the machine hits them all alike."""
    for i in range(warmup):
        for fn in calls.values():
            fn(i)
    samples: dict[str, list[float]] = {label: [] for label in calls}
    for i in range(n):
        for label, fn in calls.items():
            start = time.perf_counter()
            fn(i)
            samples[label].append(time.perf_counter() - start)
    return [Timing(label, values) for label, values in samples.items()]


# --- A local gunicorn -----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn serving gongzhi.wsgi with the bench settings on a free loopback port."""

    def __init__(self, workers: int = 2, worker_class: str = "sync"):
        self.port = free_port()
        env = dict(os.environ, DJANGO_SETTINGS_MODULE=SETTINGS)
        command = [
            sys.executable, "-m", "gunicorn",
            "--workers", str(workers),
            "--worker-class", worker_class,
            "--bind", f"127.0.0.1:{self.port}",
            "--chdir", str(ROOT),
            "--log-level", "warning",
            "--timeout", "60",
            "gongzhi.wsgi:application",
        ]  # fmt: skip
        self.process = subprocess.Popen(command, env=env, cwd=ROOT)

    def __enter__(self) -> "Server":
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not start within 30 s")

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def fetch(port: int, path: str, cookie: str = "") -> tuple[int, bytes]:
    """One GET on the loopback server: (status, body)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def _client(port: int, path: str, cookie: str, seconds: float, max_requests: int, out) -> None:
    """One client: GET path over and over (reusing the connection when the server allows)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Cookie": cookie} if cookie else {}
    done = errors = 0
    deadline = time.perf_counter() + seconds
    while done + errors < max_requests and time.perf_counter() < deadline:
        try:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status == 200:
                done += 1
            else:
                errors += 1
            if response.will_close:
                conn.close()  # gunicorn's sync workers close after each response
        except (OSError, http.client.HTTPException):
            errors += 1
            conn.close()
    conn.close()
    out.put((done, errors))


@dataclass
class Throughput:
    label: str
    requests: int
    errors: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def throughput(
    label: str,
    port: int,
    path: str,
    cookie: str = "",
    clients: int = 4,
    seconds: float = 5.0,
    max_requests: int = 50_000,
) -> Throughput:
    """Requests per second with `clients` processes hammering path for at most `seconds`.

    Clients are processes, not threads, so the client is not held back by one interpreter.
    """
    queue: multiprocessing.Queue = multiprocessing.Queue()
    per_client = max(1, max_requests // clients)
    workers = [
        multiprocessing.Process(
            target=_client, args=(port, path, cookie, seconds, per_client, queue)
        )
        for _ in range(clients)
    ]
    start = time.perf_counter()
    for worker in workers:
        worker.start()
    results = [queue.get(timeout=seconds + 120) for _ in workers]
    elapsed = time.perf_counter() - start
    for worker in workers:
        worker.join(timeout=10)
    return Throughput(label, sum(r[0] for r in results), sum(r[1] for r in results), elapsed)
