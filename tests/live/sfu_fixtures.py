"""Fixtures of the SFU tests (engineer F): our own Janus on free loopback ports, stopped after the test.

Imported by the test modules that use them (tests/live/conftest.py belongs to the room's own tests).
"""
from __future__ import annotations

import secrets
import socket

import pytest

from tests.conftest import require_tool


def _free_ports(n: int) -> list[int]:
    sockets = [socket.socket() for _ in range(n)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


@pytest.fixture
def janus(tmp_path, settings):
    """A running Janus (``JanusProcess``) configured like production but on loopback only.

    ICE is held to ``lo`` and sessions time out after 10 s, as docs/MEDIA.md says of tests.
    Django settings point at it, so ``JanusBackend()`` talks to this one.
    """
    from tiepdan.live.janus.config import JanusConfig
    from tiepdan.live.janus.process import JanusProcess

    binary = require_tool(settings.JANUS_BINARY, "Janus")
    http_port, admin_port, ws_port = _free_ports(3)
    settings.JANUS_ENABLED = True
    settings.JANUS_ADMIN_SECRET = secrets.token_hex(16)
    settings.JANUS_HTTP_PORT, settings.JANUS_ADMIN_PORT, settings.JANUS_WS_PORT = http_port, admin_port, ws_port
    settings.JANUS_WS_IP = "127.0.0.1"
    settings.JANUS_PUBLIC_WS_URL = ""
    settings.JANUS_DIR = tmp_path / "janus"
    settings.JANUS_REC_DIR = tmp_path / "recordings"
    settings.JANUS_ICE_ENFORCE_LIST = "lo"
    settings.JANUS_SESSION_TIMEOUT_S = 10
    settings.JANUS_HEALTH_TIMEOUT_S = 1.0
    settings.JANUS_BINARY = binary
    process = JanusProcess(JanusConfig.from_settings()).start()
    yield process
    process.stop()


@pytest.fixture
def janus_client(janus):
    from tiepdan.live.janus.client import JanusClient

    cfg = janus.cfg
    return JanusClient(http_url=cfg.http_url, admin_url=cfg.admin_url, admin_secret=cfg.admin_secret)
