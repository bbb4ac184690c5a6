"""Start, wait for and stop our own Janus process."""
from __future__ import annotations

import json
import signal
import socket
import subprocess
import time
import urllib.request

from . import config as janus_config
from .config import JanusConfig


class JanusStartError(RuntimeError):
    pass


class JanusProcess:
    """``JanusProcess(cfg).start()`` writes the config folder, runs ``janus -F <dir> -L <log>`` and waits for ``info``."""

    def __init__(self, cfg: JanusConfig):
        self.cfg = cfg
        self.popen: subprocess.Popen | None = None

    def start(self, *, wait_s: float = 15.0) -> JanusProcess:
        janus_config.write(self.cfg)
        self.cfg.log_path.unlink(missing_ok=True)
        self.popen = subprocess.Popen(
            [self.cfg.binary, "-F", str(self.cfg.config_dir), "-C", str(self.cfg.config_dir / "janus.jcfg"), "-L", str(self.cfg.log_path), "--disable-colors"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            if self.popen.poll() is not None:
                raise JanusStartError(f"Janus exited with status {self.popen.returncode}; see {self.cfg.log_path}:\n{self.log_tail()}")
            if self.ready():
                return self
            time.sleep(0.1)
        self.stop()
        raise JanusStartError(f"Janus did not answer within {wait_s:.0f} s; see {self.cfg.log_path}:\n{self.log_tail()}")

    def ready(self) -> bool:
        """Both transports answer: the HTTP API ``info`` and a TCP connect to the WebSocket port."""
        try:
            with urllib.request.urlopen(f"{self.cfg.http_url}/info", timeout=1) as response:
                if json.load(response).get("janus") != "server_info":
                    return False
            with socket.create_connection(("127.0.0.1" if self.cfg.ws_ip in ("0.0.0.0", "") else self.cfg.ws_ip, self.cfg.ws_port), timeout=1):
                return True
        except OSError:
            return False

    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def kill(self) -> None:
        """Die at once, as a crashed SFU would (no hangups sent to anyone)."""
        if self.running():
            self.popen.send_signal(signal.SIGKILL)
            self.popen.wait(timeout=10)

    def stop(self, *, timeout_s: float = 10.0) -> None:
        if not self.running():
            return
        self.popen.send_signal(signal.SIGTERM)
        try:
            self.popen.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait(timeout=5)

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.cfg.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"
