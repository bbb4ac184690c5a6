"""``manage.py run_janus``: write Janus's config folder from settings and run it in the foreground.

For ``make run`` at scale and for operators (under systemd or a supervisor):
the process is tiepdan's own, configured only from settings (JANUS_*), and
never touches /etc/janus.
"""
from __future__ import annotations

import signal
import time

from django.core.management.base import BaseCommand, CommandError

from tiepdan.live.janus import config as janus_config
from tiepdan.live.janus.process import JanusProcess, JanusStartError
from tiepdan.live.services import check_sfu_rooms


class Command(BaseCommand):
    requires_system_checks = []  # runs beside the app server; needs only settings
    help = "Sinh cấu hình Janus từ settings (JANUS_*) và chạy Janus (máy chủ chuyển tiếp hình ảnh) của tiepdan."

    def add_arguments(self, parser):
        parser.add_argument("--write-only", action="store_true", help="Chỉ ghi thư mục cấu hình rồi thoát.")
        parser.add_argument("--check-every-s", type=float, default=5.0, help="Kiểm tra Janus còn trả lời sau mỗi số giây này; phòng nào đang dùng Janus mà Janus hỏng thì chuyển sang kết nối trực tiếp.")

    def handle(self, *args, write_only=False, **options):
        cfg = janus_config.JanusConfig.from_settings()
        if write_only:
            folder = janus_config.write(cfg)
            self.stdout.write(f"Đã ghi cấu hình Janus vào {folder}")
            return
        process = JanusProcess(cfg)
        try:
            process.start()
        except (JanusStartError, OSError) as exc:
            raise CommandError(f"Không khởi động được Janus: {exc}. Kiểm tra JANUS_BINARY và nhật ký {cfg.log_path}.") from exc
        self.stdout.write(f"Janus đang chạy (pid {process.popen.pid}): HTTP {cfg.http_url}, WebSocket {cfg.ws_url}, nhật ký {cfg.log_path}")
        stopping = []
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stopping.append(True))
        last_check = time.monotonic()
        while not stopping and process.running():
            time.sleep(0.5)
            if time.monotonic() - last_check >= options["check_every_s"]:
                last_check = time.monotonic()
                self._check_rooms()
        if not stopping:
            self._check_rooms()  # Janus died: move its rooms before saying so
        if stopping:
            process.stop()
            self.stdout.write("Đã dừng Janus.")
        else:
            raise CommandError(f"Janus đã dừng bất ngờ (mã {process.popen.returncode}); xem {cfg.log_path}:\n{process.log_tail()}")

    def _check_rooms(self) -> None:
        try:
            moved = check_sfu_rooms()
        except Exception as exc:  # the watcher must outlive one failed check (database restarting, ...)
            self.stderr.write(f"Kiểm tra phòng trên Janus không thành công: {exc}")
            return
        for room in moved:
            self.stderr.write(f"Janus không trả lời: phòng {room.pk} đã chuyển sang {room.get_backend_display()}.")
