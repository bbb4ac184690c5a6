"""python -m benchmarks [NAME ...]: run benchmarks and print one JSON line per figure."""
from __future__ import annotations

import importlib
import json
import os
import pkgutil
import sys
import time
import traceback
from pathlib import Path


def _setup_django() -> str:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tiepdan.config.settings")
    import django

    django.setup()
    from django.conf import settings

    return settings.DB_VENDOR


def main(argv: list[str]) -> int:
    db = _setup_django()
    names = argv or sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if not m.name.startswith("_"))
    failed = 0
    for name in names:
        module = importlib.import_module(f"benchmarks.{name}")

        def emit(metric: str, value: float, reference: float | None = None, *, bench: str = name, **extra) -> None:
            line = {"bench": bench, "metric": metric, "value": round(float(value), 3)}
            if reference is not None:
                line["reference"] = round(float(reference), 3)
                line["ratio"] = round(float(value) / float(reference), 3) if reference else None
            line["db"] = extra.pop("db", db)
            line.update(extra)
            print(json.dumps(line, ensure_ascii=False), flush=True)

        started = time.monotonic()
        try:
            module.run(emit)
        except Exception as exc:  # one broken benchmark must not hide the others' figures
            failed += 1
            print(json.dumps({"bench": name, "error": f"{type(exc).__name__}: {exc}"}, ensure_ascii=False), flush=True)
            traceback.print_exc(file=sys.stderr)
        print(f"# {name}: {time.monotonic() - started:.1f} s", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
