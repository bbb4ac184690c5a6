from django.core.management.base import BaseCommand, CommandError

from tiepdan.core.audit import verify_chain


class Command(BaseCommand):
    help = "Kiểm tra chuỗi băm của nhật ký kiểm tra; nêu bản ghi hỏng đầu tiên."

    def handle(self, *args, **options):
        report = verify_chain()
        if report.ok:
            self.stdout.write(self.style.SUCCESS(f"Nhật ký toàn vẹn: đã kiểm tra {report.checked} bản ghi."))
            return
        raise CommandError(f"Nhật ký bị can thiệp: bản ghi #{report.first_broken_id}: {report.problem}.")
