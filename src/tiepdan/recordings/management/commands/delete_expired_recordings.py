from django.core.management.base import BaseCommand

from tiepdan.recordings import retention


class Command(BaseCommand):
    help = "Xóa các bản ghi hình đã hết thời hạn lưu trữ của tỉnh (không bao giờ trước đó); mỗi lần xóa để lại bản ghi đã xóa và nhật ký."

    def handle(self, *args, **options):
        done = retention.delete_expired(by=None)
        for tombstone in done:
            self.stdout.write(f"Đã xóa: {tombstone.session_title} (lưu trữ đến hết ngày {tombstone.retention_until:%d/%m/%Y}).")
        self.stdout.write(self.style.SUCCESS(f"{len(done)} bản ghi hình đã hết thời hạn lưu trữ được xóa."))
