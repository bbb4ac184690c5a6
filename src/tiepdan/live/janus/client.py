"""Server-side client for Janus over HTTP: the Janus API (sessions, VideoRoom requests) and the Admin API (tokens).

Synchronous and small on purpose: the app server talks to a Janus on loopback a
few times per session (create the room, add or revoke a point's token, kick,
destroy) and once every few seconds for health.
"""
from __future__ import annotations

import json
import secrets
import time
import urllib.error
import urllib.request
from contextlib import contextmanager

VIDEOROOM = "janus.plugin.videoroom"
TOKEN_NOT_FOUND = 490  # JANUS_ERROR_TOKEN_NOT_FOUND (apierror.h)


class JanusError(RuntimeError):
    """Janus answered, and said no (``code`` is Janus's or the VideoRoom's error code)."""

    def __init__(self, reason: str, code: int | None = None):
        super().__init__(f"{reason} (code {code})" if code else reason)
        self.code = code
        self.reason = reason


class JanusUnavailable(JanusError):
    """Janus did not answer at all (not running, not listening, or too slow)."""


def _post(url: str, payload: dict, timeout_s: float) -> dict:
    request = urllib.request.Request(url, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}, method="POST")
    return _open(request, timeout_s)


def _open(request, timeout_s: float) -> dict:
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            return json.load(response)
    except urllib.error.HTTPError as exc:  # Janus answers errors with 200; anything else is the transport failing
        raise JanusUnavailable(f"Janus HTTP {exc.code}") from exc
    except (OSError, ValueError) as exc:
        raise JanusUnavailable(f"Janus unreachable: {exc}") from exc


def _check(answer: dict) -> dict:
    if answer.get("janus") == "error":
        error = answer.get("error", {})
        raise JanusError(error.get("reason", "Janus error"), error.get("code"))
    return answer


class JanusClient:
    def __init__(self, *, http_url: str, admin_url: str, admin_secret: str, token: str = "", timeout_s: float = 3.0):
        self.http_url = http_url.rstrip("/")
        self.admin_url = admin_url.rstrip("/")
        self.admin_secret = admin_secret
        self.token = token
        self.timeout_s = timeout_s

    # --- Janus API --------------------------------------------------------------------
    def info(self) -> dict:
        request = urllib.request.Request(f"{self.http_url}/info", method="GET")
        return _check(_open(request, self.timeout_s))

    def call(self, path: str, janus: str, *, token: str | None = None, **fields) -> dict:
        payload = {"janus": janus, "transaction": secrets.token_hex(8), **fields}
        token = self.token if token is None else token
        if token:
            payload["token"] = token
        return _check(_post(f"{self.http_url}{path}", payload, self.timeout_s))

    @contextmanager
    def videoroom(self, *, token: str | None = None):
        """A Janus session with the VideoRoom attached, destroyed on exit: ``with c.videoroom() as vr: vr.request({...})``."""
        session_id = self.call("", "create", token=token)["data"]["id"]
        try:
            handle_id = self.call(f"/{session_id}", "attach", token=token, plugin=VIDEOROOM)["data"]["id"]
            yield _VideoRoomHandle(self, f"/{session_id}/{handle_id}", token)
        finally:
            try:
                self.call(f"/{session_id}", "destroy", token=token)
            except JanusError:
                pass  # Janus gone or session already timed out: nothing left to clean

    # --- Admin API --------------------------------------------------------------------
    def admin(self, janus: str, **fields) -> dict:
        payload = {"janus": janus, "transaction": secrets.token_hex(8), "admin_secret": self.admin_secret, **fields}
        return _check(_post(self.admin_url, payload, self.timeout_s))

    def add_token(self, token: str, plugins: tuple[str, ...] = (VIDEOROOM,)) -> None:
        self.admin("add_token", token=token, plugins=list(plugins))

    def remove_token(self, token: str) -> None:
        try:
            self.admin("remove_token", token=token)
        except JanusUnavailable:
            raise
        except JanusError as exc:
            if exc.code != TOKEN_NOT_FOUND:
                raise  # already gone is the goal; anything else is real

    def list_tokens(self) -> list[str]:
        return [t["token"] for t in self.admin("list_tokens").get("data", {}).get("tokens", [])]


    def poll(self, session_id: int, *, token: str | None = None, timeout_s: float = 10.0) -> list[dict]:
        """Long-poll the events Janus queued for a session (asynchronous plugin answers, kicks, leaves)."""
        token = self.token if token is None else token
        query = f"?maxev=10&token={token}" if token else "?maxev=10"
        request = urllib.request.Request(f"{self.http_url}/{session_id}{query}", method="GET")
        answer = _open(request, timeout_s)
        return answer if isinstance(answer, list) else [answer]


class _VideoRoomHandle:
    def __init__(self, client: JanusClient, path: str, token: str | None):
        self.client = client
        self.path = path
        self.token = token

    @property
    def session_id(self) -> int:
        return int(self.path.split("/")[1])

    def ask(self, body: dict, *, wait_s: float = 10.0) -> dict:
        """An asynchronous VideoRoom request (join, publish, start): wait for its event and return its data."""
        payload_transaction = secrets.token_hex(8)
        answer = _check(_post(f"{self.client.http_url}{self.path}", {"janus": "message", "transaction": payload_transaction, "token": self.token or self.client.token, "body": body}, self.client.timeout_s))
        if answer.get("janus") == "success":
            return answer.get("plugindata", {}).get("data", {})
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            for event in self.client.poll(self.session_id, token=self.token, timeout_s=wait_s):
                if event.get("transaction") == payload_transaction:
                    _check(event)
                    data = event.get("plugindata", {}).get("data", {})
                    if "error" in data:
                        raise JanusError(data["error"], data.get("error_code"))
                    return data
        raise JanusUnavailable("No answer from Janus in time")

    def request(self, body: dict) -> dict:
        """A synchronous VideoRoom request (create, destroy, exists, kick, listparticipants, allowed, edit)."""
        answer = self.client.call(self.path, "message", token=self.token, body=body)
        data = answer.get("plugindata", {}).get("data", {})
        if "error" in data or data.get("videoroom") == "event" and data.get("error_code"):
            raise JanusError(data.get("error", "VideoRoom error"), data.get("error_code"))
        return data
