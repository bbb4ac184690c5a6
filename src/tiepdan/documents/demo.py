"""The demo's signing identity: the demo province's committee signs what the demo issues (no legal value)."""
from __future__ import annotations

from pathlib import Path

from django.conf import settings

from .identity import make_demo_identity


def seed(orgs: dict) -> None:
    """Make the demo CA and the committee's PKCS#12 under DATA_DIR/pki unless a real identity is configured.
    The server started after ``seed_demo`` (``make run``) finds them through its settings."""
    configured = getattr(settings, "SIGNING_PKCS12_PATH", "")
    demo_dir = Path(settings.DATA_DIR) / "pki"
    if configured and Path(configured).parent != demo_dir:
        return
    make_demo_identity(demo_dir, orgs["committee"].name)
