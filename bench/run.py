"""Run the benchmarks against the current database (fill it first with ``manage.py seed_scale``).

    python -m wsr.devstack exec .venv/bin/python bench/run.py            # every bench/*.py with run()
    python -m wsr.devstack exec .venv/bin/python bench/run.py monitor    # one of them

Each module's ``run()`` yields rows ``(name, server ms, raw SQL ms or None, queries, note)``; times are
medians of repeated runs after warm-up, measured in-process (no network), so they are server time.
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wsr.settings")


def main(argv: list[str]) -> int:
    import django

    django.setup()
    names = argv or sorted(p.stem for p in BENCH_DIR.glob("*.py") if p.stem not in ("run", "__init__", "common"))
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        if not hasattr(module, "run"):
            continue
        print(f"\n== {name} ==")
        print(f"{'measure':<52} {'server ms':>10} {'raw SQL ms':>11} {'ratio':>6} {'queries':>8}  note")
        for label, server_ms, raw_ms, queries, note in module.run():
            raw = f"{raw_ms:11.1f}" if raw_ms is not None else f"{'—':>11}"
            ratio = f"{server_ms / raw_ms:6.1f}" if raw_ms else f"{'—':>6}"
            print(f"{label:<52} {server_ms:10.1f} {raw} {ratio} {queries:>8}  {note}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
