"""The demo's signing identity: the demo province's committee signs what the demo issues (no legal value)."""
from __future__ import annotations

from pathlib import Path

from django.conf import settings

from .identity import DEMO_PASSWORD, make_demo_identity


def seed(orgs: dict) -> None:
    """Make the demo CA and the committee's PKCS#12 under DATA_DIR/pki unless a real identity is configured.
    The server started after ``seed_demo`` (``make run``) finds them through its settings."""
    configured = getattr(settings, "SIGNING_PKCS12_PATH", "")
    demo_dir = Path(settings.DATA_DIR) / "pki"
    if configured and Path(configured).parent != demo_dir:
        return
    identity = make_demo_identity(demo_dir, orgs["committee"].name)
    if not configured:
        # Settings were read before the identity existed; the later stages' demos issue documents and sign a
        # recording's manifest in this same process, and a newcomer's demo should show them signed.
        settings.SIGNING_PKCS12_PATH = str(identity.pkcs12)
        settings.SIGNING_PKCS12_PASSWORD = DEMO_PASSWORD
        settings.SIGNING_TRUST_ROOTS = [str(identity.ca_pem)]
