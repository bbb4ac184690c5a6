"""``manage.py verify_document FILE``: for archivists who work from files. Exit 0 only for a PDF we issued,
signed and unchanged since; 1 otherwise, saying why in Vietnamese."""
from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tiepdan.documents import services


class Command(BaseCommand):
    help = "Kiểm tra một tệp PDF: có phải văn bản hệ thống đã ban hành, chữ ký số hợp lệ và không bị sửa sau khi ký."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Đường dẫn tệp PDF cần kiểm tra.")

    def handle(self, *args, file, **options):
        try:
            pdf = Path(file).read_bytes()
        except OSError as exc:
            raise CommandError(f"Không đọc được tệp «{file}» ({exc.strerror}).") from exc
        check = services.check_file(pdf=pdf, channel="command")
        v = check.verification
        if check.issued:
            self.stdout.write(f"Văn bản số {check.number}, ngày {check.issued_on:%d/%m/%Y}, do {check.issuing_body} ban hành.")
        if v.signer:
            self.stdout.write(f"Chữ ký số của: {v.signer}" + (f", ký lúc {v.signed_at.isoformat()}" if v.signed_at else "") + (f", dấu thời gian {v.timestamp.isoformat()}" if v.timestamp else ""))
        self.stdout.write(f"SHA-256: {check.sha256}")
        if check.ok:
            self.stdout.write(self.style.SUCCESS("HỢP LỆ: văn bản do hệ thống ban hành, chữ ký hợp lệ, nội dung không bị thay đổi sau khi ký."))
            return
        self.stdout.write(self.style.ERROR("KHÔNG HỢP LỆ:"))
        for problem in check.problems:
            self.stdout.write(f"- {problem}")
        sys.exit(1)
