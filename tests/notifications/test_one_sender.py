"""Every stage tells people through notifications.notify: no other module of the product sends mail itself."""
import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "tiepdan"


def _mail_imports(path: Path) -> list[int]:
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("django.core.mail"):
            lines.append(node.lineno)
        elif isinstance(node, ast.ImportFrom) and node.module == "django.core" and any(a.name == "mail" for a in node.names):
            lines.append(node.lineno)
        elif isinstance(node, ast.Import) and any(a.name.startswith("django.core.mail") for a in node.names):
            lines.append(node.lineno)
    return lines


def test_only_the_notifications_service_sends_mail():
    offenders = [f"{path.relative_to(SRC)}:{line}" for path in sorted(SRC.rglob("*.py")) if "notifications" not in path.relative_to(SRC).parts[:1]
                 for line in _mail_imports(path)]
    assert offenders == [], f"send through tiepdan.notifications.services.notify instead: {offenders}"
