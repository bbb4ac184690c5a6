"""The project's documents stay true: LEGAL.md names only tests and functions that exist, and no document
sends a reader to a file outside the repository."""
from __future__ import annotations

import importlib
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LEGAL = (ROOT / "docs" / "LEGAL.md").read_text(encoding="utf-8")
APPS = ("core", "organisations", "notifications", "documents", "intake", "triage", "bridges", "scheduling", "live", "recordings", "outcomes", "reports")


def _defined_tests(path: Path) -> set[str]:
    return set(re.findall(r"^\s*(?:async\s+)?def\s+(test_\w+)", path.read_text(encoding="utf-8"), re.MULTILINE))


def test_every_test_legal_md_cites_exists():
    cited = re.findall(r"`(tests/[\w/]+\.py)::(test_\w+)`", LEGAL)
    assert len(cited) > 100  # the table, not a stray mention
    missing = [f"{path}::{name}" for path, name in cited if not (ROOT / path).is_file() or name not in _defined_tests(ROOT / path)]
    assert missing == [], "LEGAL.md cites tests that do not exist (renamed or moved? update the row):\n" + "\n".join(missing)


def test_every_node_test_legal_md_cites_exists():
    cited = re.findall(r'`(tests/js/[\w.-]+\.mjs)` "([^"]+)"', LEGAL)
    missing = [f"{path} {title}" for path, title in cited if f'test("{title}"' not in (ROOT / path).read_text(encoding="utf-8")]
    assert missing == [], "LEGAL.md cites Node tests that do not exist:\n" + "\n".join(missing)


def _resolves(dotted: str) -> bool:
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module("tiepdan." + ".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for name in parts[cut:]:
            if not hasattr(obj, name):
                return False
            obj = getattr(obj, name)
        return True
    return False


def test_every_function_legal_md_names_exists():
    named = sorted(set(re.findall(rf"`((?:{'|'.join(APPS)})\.[\w.]+)`", LEGAL)))
    assert len(named) > 50
    missing = [dotted for dotted in named if not _resolves(dotted)]
    assert missing == [], "LEGAL.md names code that does not exist (renamed or moved? update the row):\n" + "\n".join(missing)


def test_no_document_or_comment_cites_a_file_outside_the_repository():
    outside = re.compile(r"\blegal\.md\b|\bmedia\.md\b|\.\./shared|\bseeds/")
    files = [ROOT / "README.md", *(ROOT / "docs").glob("*.md"), *(ROOT / "src").rglob("*.py"), *(ROOT / "src").rglob("*.js"), *(ROOT / "src").rglob("*.html")]
    found = []
    for path in files:
        if "static/vendor" in path.as_posix():
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if outside.search(line):  # case-sensitive: docs/LEGAL.md and docs/MEDIA.md are ours
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:100]}")
    assert found == [], "cite docs/LEGAL.md or docs/MEDIA.md instead:\n" + "\n".join(found)


def test_every_public_function_of_a_rules_module_has_its_row_in_legal_md():
    missing = []
    for path in sorted((ROOT / "src" / "tiepdan").glob("*/rules.py")):
        app = path.parent.name
        for name in re.findall(r"^def ([a-z]\w*)\(", path.read_text(encoding="utf-8"), re.MULTILINE):
            if f"{app}.rules.{name}" not in LEGAL:
                missing.append(f"{app}.rules.{name}")
    assert missing == [], "a rule without its row in docs/LEGAL.md (article, what it does, its test):\n" + "\n".join(missing)
