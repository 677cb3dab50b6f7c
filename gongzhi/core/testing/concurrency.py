"""Race helpers for concurrency tests: threads released at once, on a database that lets them.

Django's in-memory SQLite test database fails a lock at once instead of waiting, so threads
cannot really race there. On SQLite a test module therefore runs its scenarios in a child
process against a SQLite file with the production settings (WAL, BEGIN IMMEDIATE,
busy_timeout); on PostgreSQL the threads race in the test itself.
"""

import json
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from django.db import connections

ROOT = Path(__file__).resolve().parents[3]


def run_together(target: Callable[[int], object], count: int) -> list:
    """Run target(i) in count threads released at once; return each result or exception."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def work(i):
        try:
            barrier.wait(timeout=30)
            results[i] = target(i)
        except Exception as exc:  # noqa: BLE001 - the test inspects what each thread got
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def migrate_and_print(summary: Callable[[], object]) -> None:
    """Child-process entry: migrate the fresh SQLite file, then print summary() as JSON."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    print(json.dumps(summary()))


def run_in_sqlite_file(module: str, timeout: int = 600):
    """Run module.main() in a child process on a fresh SQLite file; return what it printed."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env.update(
            SQLITE_PATH=str(Path(tmp) / "race.sqlite3"), DJANGO_SETTINGS_MODULE="gongzhi.settings"
        )
        code = f"import django; django.setup(); from {module} import main; main()"
        done = subprocess.run(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-c", code],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])
