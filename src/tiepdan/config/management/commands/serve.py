"""Serve the product: the ASGI server (HTTP + WebSockets) and the background-job worker together."""
import ctypes
import os
import signal
import subprocess
import sys

import uvicorn
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tiepdan.organisations.demo import DEMO_ACCOUNTS, DEMO_PASSWORD


class Command(BaseCommand):
    help = "Chạy máy chủ ASGI (HTTP, WebSocket) cùng tiến trình công việc nền; in địa chỉ và tài khoản trình diễn."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--no-worker", action="store_true", help="Không chạy tiến trình công việc nền.")
        parser.add_argument("--processes", type=int, default=int(os.environ.get("WEB_PROCESSES", "1")),
                            help="Số tiến trình máy chủ web (nhiều hơn 1 cần Redis: REDIS_URL).")

    def handle(self, *args, host, port, no_worker, processes, **options):
        if processes < 1:
            raise CommandError("Số tiến trình máy chủ web phải từ 1 trở lên.")
        if processes > 1 and "InMemory" in settings.CHANNEL_LAYERS["default"]["BACKEND"]:
            # Each process would hold its own rooms: a point on one would never hear the chair on another.
            raise CommandError("Chạy nhiều tiến trình máy chủ web cần Redis cho lớp kênh thời gian thực: đặt REDIS_URL.")

        url_host = f"[{host}]" if ":" in host else host
        self.stdout.write(self.style.SUCCESS(f"\n{'=' * 60}\n  Tiếp công dân trực tuyến: http://{url_host}:{port}/\n{'=' * 60}"))
        if settings.ALLOW_DEMO_ACCOUNTS:
            self.stdout.write(f"  Tài khoản trình diễn (mật khẩu: {DEMO_PASSWORD}):")
            for username, name, role, _, _ in DEMO_ACCOUNTS:
                self.stdout.write(f"    {username:<12} {role.label} – {name}")
        worker = None
        if not no_worker:
            # Its own session: a Ctrl-C in the terminal reaches this process only, which then stops the worker
            # once and gracefully (a second SIGINT would cut the worker's running jobs short).
            worker = subprocess.Popen([sys.executable, sys.argv[0], "run_huey", "--workers", "2"], env=os.environ.copy(),
                                      start_new_session=True, preexec_fn=_stop_when_parent_dies)
            self.stdout.write(f"  Tiến trình công việc nền: pid {worker.pid}")
        self.stdout.flush()
        # uvicorn handles SIGTERM itself, then raises it again once it has stopped: with the default action the
        # process died there, before `finally`, and the worker ran on. Exiting normally lets `finally` stop it.
        previous_sigterm = signal.signal(signal.SIGTERM, _exit_on_sigterm)
        try:
            uvicorn.run("tiepdan.config.asgi:application", **uvicorn_options(host=host, port=port, processes=processes))
        finally:
            signal.signal(signal.SIGTERM, previous_sigterm)
            if worker is not None:
                _stop(worker)


def uvicorn_options(*, host: str, port: int, processes: int = 1) -> dict:
    """How the product runs uvicorn (the tests serve with the same options)."""
    return {
        "host": host, "port": port, "workers": processes, "log_level": "warning", "lifespan": "off",
        # No per-message compression: browsers always offer it, and it would deflate every room change once per
        # connection (~17 us each, a third of a 1,000-point fan-out) to save a few hundred bytes of JSON.
        "ws": "websockets-sansio", "ws_per_message_deflate": False,
        # No proxy headers at the server: uvicorn believes any X-Forwarded-For from loopback, so a changed
        # header reset the login throttle. The application takes them from TRUSTED_PROXIES only
        # (config.asgi.TrustedProxyHeaders).
        "proxy_headers": False,
    }


def _exit_on_sigterm(signum, frame):
    raise SystemExit(128 + signum)


def _stop(worker: subprocess.Popen) -> None:
    """Huey's graceful stop (SIGINT: running jobs finish), then a kill if it takes longer than 10 s."""
    if worker.poll() is not None:
        return
    worker.send_signal(signal.SIGINT)
    try:
        worker.wait(timeout=10)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


def _stop_when_parent_dies() -> None:
    """In the worker, before it runs: Linux sends it SIGINT if this server dies without stopping it (SIGKILL, a crash)."""
    if sys.platform.startswith("linux"):
        PR_SET_PDEATHSIG = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGINT)
