from django.core.management.base import BaseCommand, CommandError

from tiepdan.core.audit import checkpoint_public_key, verify_chain, write_checkpoint


class Command(BaseCommand):
    help = ("Kiểm tra chuỗi HMAC của nhật ký kiểm tra và đối chiếu với các mốc kiểm tra đã ký; "
            "nêu bản ghi bị sửa đầu tiên hoặc số bản ghi bị mất so với mốc.")

    def add_arguments(self, parser):
        parser.add_argument("--checkpoint", action="store_true", help="Nếu nhật ký toàn vẹn, ghi thêm một mốc kiểm tra ngay bây giờ.")
        parser.add_argument("--public-key", action="store_true", help="In khóa công khai Ed25519 để kiểm tra tệp mốc ở nơi khác, rồi thoát.")

    def handle(self, *args, checkpoint, public_key, **options):
        if public_key:
            self.stdout.write(checkpoint_public_key())
            return
        report = verify_chain()
        if not report.ok:
            raise CommandError(f"Nhật ký bị can thiệp: {report.problem}")
        self.stdout.write(self.style.SUCCESS(f"Nhật ký toàn vẹn: đã kiểm tra {report.checked} bản ghi, khớp với {report.checkpoints} mốc kiểm tra."))
        if checkpoint:
            written = write_checkpoint()
            self.stdout.write(f"Đã ghi mốc kiểm tra: {written.count} bản ghi, lúc {written.when}.")
