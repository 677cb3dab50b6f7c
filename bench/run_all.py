"""Run every bench/bench_*.py in turn, passing the same options to each.

.venv/bin/python bench/run_all.py                    # 200,000 residents
.venv/bin/python bench/run_all.py --residents 20000  # a quick run
"""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    failed = []
    for script in sorted(HERE.glob("bench_*.py")):
        if script.name in {"bench_settings.py", "bench_urls.py"}:
            continue
        print(f"\n=== {script.name}", flush=True)
        if subprocess.run([sys.executable, str(script), *sys.argv[1:]], check=False).returncode:
            failed.append(script.name)
    if failed:
        print(f"\nFailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
