"""Write a Janus configuration folder from settings.

Only what tiepdan needs is loaded: the VideoRoom plugin, the HTTP transport
(the app server's Janus API and Admin API, loopback only) and the WebSocket
transport (what browsers speak). Every other plugin, transport, logger and event
handler shipped by the package is disabled by name, so that an upgrade that adds
one does not open it silently.

One event handler is on when ``events_url`` is set (JANUS_EVENTS_URL): the sample
HTTP handler, posting the VideoRoom's events to the app server, which must hear
from Janus itself when a point starts publishing so that a point the room holds
muted is moderated at once (``live.janus.events``; Decree 154 Art. 21).
"""
from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from django.conf import settings

LIB_DIR = Path("/usr/lib/x86_64-linux-gnu/janus")
WANTED = {"plugins": {"libjanus_videoroom.so"}, "transports": {"libjanus_http.so", "libjanus_websockets.so"}, "events": set(), "loggers": set()}
EVENT_HANDLER = "libjanus_sampleevh.so"
# Folders Janus refuses to record into (its own default list): a room whose rec_dir lies inside one is
# not created at all, so ``write`` refuses such a JANUS_REC_DIR before Janus starts.
PROTECTED_FOLDERS = ("/bin", "/boot", "/dev", "/etc", "/lib", "/lib64", "/proc", "/sbin", "/sys", "/usr", "/var")


@dataclass(frozen=True)
class JanusConfig:
    """Everything that decides how our Janus runs. ``from_settings()`` reads it from Django settings."""

    config_dir: Path
    admin_secret: str
    room_admin_key: str = ""
    http_port: int = 8088
    admin_port: int = 7088
    ws_port: int = 8188
    ws_ip: str = "127.0.0.1"
    session_timeout_s: int = 60
    ice_enforce_list: str = ""
    rtp_port_range: str = "20000-40000"
    debug_level: int = 4
    binary: str = "/usr/bin/janus"
    lib_dir: Path = LIB_DIR
    rec_dir: Path | None = None
    events_url: str = ""
    events_secret: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/janus"

    @property
    def admin_url(self) -> str:
        return f"http://127.0.0.1:{self.admin_port}/admin"

    @property
    def ws_url(self) -> str:
        return f"ws://{self.ws_ip}:{self.ws_port}/"

    @property
    def log_path(self) -> Path:
        return self.config_dir / "janus.log"

    def with_ports(self, *, http_port: int, admin_port: int, ws_port: int) -> JanusConfig:
        return replace(self, http_port=http_port, admin_port=admin_port, ws_port=ws_port)

    @classmethod
    def from_settings(cls) -> JanusConfig:
        return cls(
            config_dir=Path(settings.JANUS_DIR),
            admin_secret=admin_secret(),
            room_admin_key=admin_secret(purpose=b"tiepdan-janus-videoroom"),
            http_port=settings.JANUS_HTTP_PORT,
            admin_port=settings.JANUS_ADMIN_PORT,
            ws_port=settings.JANUS_WS_PORT,
            ws_ip=settings.JANUS_WS_IP,
            session_timeout_s=settings.JANUS_SESSION_TIMEOUT_S,
            ice_enforce_list=settings.JANUS_ICE_ENFORCE_LIST,
            rtp_port_range=settings.JANUS_RTP_PORT_RANGE,
            binary=settings.JANUS_BINARY,
            rec_dir=Path(settings.JANUS_REC_DIR),
            events_url=settings.JANUS_EVENTS_URL,
            events_secret=events_secret(),
        )


def admin_secret(purpose: bytes = b"tiepdan-janus-admin") -> str:
    """A secret only the app server knows: JANUS_ADMIN_SECRET, else derived from SECRET_KEY.

    Never the shipped "janusoverlord". ``purpose`` separates the Admin API secret
    from the VideoRoom ``admin_key`` (which stops anyone but us creating rooms).
    """
    base = settings.JANUS_ADMIN_SECRET or settings.SECRET_KEY
    return hmac.new(base.encode(), purpose, hashlib.sha256).hexdigest()


def events_secret() -> str:
    """The password Janus's event handler presents to the app server (HTTP basic auth, user ``janus``)."""
    return admin_secret(purpose=b"tiepdan-janus-events")


def _q(value: str) -> str:
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _disabled(lib_dir: Path, kind: str, wanted: set[str] | None = None) -> str:
    folder = lib_dir / kind
    present = {p.name for p in folder.glob("*.so")} if folder.is_dir() else set()
    return ",".join(sorted(present - (WANTED[kind] if wanted is None else wanted)))


def render(cfg: JanusConfig) -> dict[str, str]:
    """The configuration files, by name. Pure: tests read them without starting Janus."""
    files = {
        "janus.jcfg": _janus_jcfg(cfg),
        "janus.transport.http.jcfg": _http_jcfg(cfg),
        "janus.transport.websockets.jcfg": _websockets_jcfg(cfg),
        "janus.plugin.videoroom.jcfg": _videoroom_jcfg(cfg),
    }
    if cfg.events_url:
        files["janus.eventhandler.sampleevh.jcfg"] = _event_handler_jcfg(cfg)
    return files


def _janus_jcfg(cfg: JanusConfig) -> str:
    nat = ["\tnice_debug = false", "\tfull_trickle = false"]
    if cfg.ice_enforce_list:
        nat.append(f"\tice_enforce_list = {_q(cfg.ice_enforce_list)}")
    else:
        nat.append('\tice_ignore_list = "vmnet"')
    return f"""# Written by tiepdan (live/janus/config.py); edits here are overwritten on the next start.
general: {{
	configs_folder = {_q(cfg.config_dir)}
	plugins_folder = {_q(cfg.lib_dir / "plugins")}
	transports_folder = {_q(cfg.lib_dir / "transports")}
	events_folder = {_q(cfg.lib_dir / "events")}
	loggers_folder = {_q(cfg.lib_dir / "loggers")}
	debug_level = {cfg.debug_level}
	debug_timestamps = true
	admin_secret = {_q(cfg.admin_secret)}
	token_auth = true
	session_timeout = {cfg.session_timeout_s}
	server_name = "tiepdan-janus"
	protected_folders = [{", ".join(_q(p) for p in PROTECTED_FOLDERS)}]
}}
media: {{
	ipv6 = false
	rtp_port_range = {_q(cfg.rtp_port_range)}
}}
nat: {{
{chr(10).join(nat)}
}}
plugins: {{
	disable = {_q(_disabled(cfg.lib_dir, "plugins"))}
}}
transports: {{
	disable = {_q(_disabled(cfg.lib_dir, "transports"))}
}}
loggers: {{
	disable = {_q(_disabled(cfg.lib_dir, "loggers"))}
}}
events: {{
	broadcast = {"true" if cfg.events_url else "false"}
	disable = {_q(_disabled(cfg.lib_dir, "events", {EVENT_HANDLER} if cfg.events_url else set()))}
}}
"""


def _http_jcfg(cfg: JanusConfig) -> str:
    return f"""general: {{
	json = "plain"
	base_path = "/janus"
	http = true
	port = {cfg.http_port}
	ip = "127.0.0.1"
	https = false
	acl = "127."
}}
admin: {{
	admin_base_path = "/admin"
	admin_http = true
	admin_port = {cfg.admin_port}
	admin_ip = "127.0.0.1"
	admin_https = false
	admin_acl = "127."
}}
"""


def _websockets_jcfg(cfg: JanusConfig) -> str:
    return f"""general: {{
	json = "plain"
	ws = true
	ws_port = {cfg.ws_port}
	ws_ip = {_q(cfg.ws_ip)}
	wss = false
}}
admin: {{
	admin_ws = false
	admin_wss = false
}}
"""


def _videoroom_jcfg(cfg: JanusConfig) -> str:
    # Rooms are created by the app server through the API (JanusBackend.open_room), never from this file.
    return f"""general: {{
	admin_key = {_q(cfg.room_admin_key)}
	lock_rtp_forward = true
	string_ids = false
}}
"""


def _event_handler_jcfg(cfg: JanusConfig) -> str:
    # Plugin events only (who joined, configured, published in which room); one at a time, not
    # grouped, so that a point's first publish reaches the server without waiting for others.
    return f"""general: {{
	enabled = true
	events = "plugins"
	grouping = false
	json = "plain"
	backend = {_q(cfg.events_url)}
	backend_user = "janus"
	backend_pwd = {_q(cfg.events_secret)}
	max_retransmissions = 3
	retransmissions_backoff = 100
}}
"""


def protected_folder(path: Path) -> str | None:
    """The protected folder ``path`` lies in (Janus would refuse to record there), or None."""
    resolved = Path(os.path.abspath(path)).as_posix()
    return next((p for p in PROTECTED_FOLDERS if resolved == p or resolved.startswith(p + "/")), None)


def write(cfg: JanusConfig) -> Path:
    """Write the folder (mode 0700: it holds the admin secret) and return it."""
    if cfg.rec_dir is not None and (refused := protected_folder(cfg.rec_dir)):
        raise ValueError(f"JANUS_REC_DIR ({cfg.rec_dir}) nằm trong {refused}, thư mục hệ thống mà Janus không ghi vào: "
                         "chọn thư mục khác cho bản ghi hình, ví dụ /srv/tiepdan/recordings/janus.")
    cfg.config_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(cfg.config_dir, 0o700)
    if cfg.rec_dir is not None:
        cfg.rec_dir.mkdir(parents=True, exist_ok=True)
    for name, text in render(cfg).items():
        path = cfg.config_dir / name
        path.write_text(text, encoding="utf-8")
        os.chmod(path, 0o600)
    return cfg.config_dir
