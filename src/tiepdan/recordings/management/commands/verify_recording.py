"""manage.py verify_recording <id> | --manifest m.json --signature m.p7s [--dir folder]: exit 0 whole and signed, 1 not."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tiepdan.recordings import integrity
from tiepdan.recordings.models import Recording


class Command(BaseCommand):
    help = ("Kiểm tra một bản ghi hình: chữ ký số của bản kê, mã băm của bản kê và của từng đoạn, từng tệp; "
            "nêu chỗ bị thay đổi (điểm cầu, lượt ghi, số đoạn hoặc tệp). Trả về 0 nếu toàn vẹn và có chữ ký hợp lệ, 1 nếu không.")

    def add_arguments(self, parser):
        parser.add_argument("recording", nargs="?", help="Số của bản ghi trong kho lưu trữ (hoặc đường dẫn tới manifest.json).")
        parser.add_argument("--manifest", help="Bản kê đã tải về (manifest.json).")
        parser.add_argument("--signature", help="Chữ ký của bản kê (manifest.p7s, DER).")
        parser.add_argument("--dir", help="Thư mục chứa các tệp đã tải về cùng bản kê (theo đường dẫn trong bản kê, hoặc cùng tên).")

    def handle(self, *args, recording, manifest, signature, dir, **options):
        if recording and not manifest and not recording.isdigit():
            manifest = recording
        if manifest:
            path = Path(manifest)
            if not path.is_file():
                raise CommandError(f"Không có tệp bản kê «{manifest}».")
            sig_path = Path(signature) if signature else path.with_suffix(".p7s")
            sig = sig_path.read_bytes() if sig_path.is_file() else None
            if signature and sig is None:
                raise CommandError(f"Không có tệp chữ ký «{signature}».")
            report = integrity.verify_copy(path.read_bytes(), sig, Path(dir) if dir else None)
            title = f"Bản kê {path}"
        elif recording:
            found = Recording.objects.filter(pk=int(recording)).select_related("room__session").first()
            if found is None:
                raise CommandError(f"Không có bản ghi hình số {recording}.")
            report = integrity.verify(found)
            title = str(found)
        else:
            raise CommandError("Cho biết số của bản ghi, hoặc --manifest và --signature của bản đã tải về.")
        self._print(title, report)
        if not report.ok:
            raise SystemExit(1)

    def _print(self, title, report):
        self.stdout.write(title)
        self.stdout.write(f"  SHA-256 của bản kê: {report.manifest_sha256}")
        if report.signed:
            when = timezone.localtime(report.signed_at).strftime("%H:%M:%S %d/%m/%Y") if report.signed_at else "không rõ"
            stamp = f", dấu thời gian {timezone.localtime(report.timestamp).strftime('%H:%M:%S %d/%m/%Y')}" if report.timestamp else ""
            self.stdout.write(f"  Ký bởi: {report.signer}, lúc {when}{stamp}")
        self.stdout.write(f"  Đã đối chiếu {report.items_checked} đoạn và tệp (bản kê liệt kê {len(report.listed)}).")
        if report.ok:
            self.stdout.write(self.style.SUCCESS("Toàn vẹn: chữ ký hợp lệ, mọi đoạn và tệp khớp với bản kê."))
        else:
            self.stdout.write(self.style.ERROR("KHÔNG toàn vẹn:"))
            for problem in report.problems:
                self.stdout.write(f"  - {problem}")
