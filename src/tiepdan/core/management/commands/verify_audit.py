from django.core.management.base import BaseCommand, CommandError

from tiepdan.core.audit import chain_label, checkpoint_public_key, verify_chain, write_checkpoint


class Command(BaseCommand):
    help = ("Kiểm tra từng chuỗi HMAC của nhật ký kiểm tra (mỗi UBND tỉnh một chuỗi, một chuỗi quốc gia) và đối chiếu "
            "với các mốc kiểm tra đã ký; nêu bản ghi bị sửa đầu tiên hoặc số bản ghi bị mất của từng chuỗi.")

    def add_arguments(self, parser):
        parser.add_argument("--chain", action="append", metavar="ĐƯỜNG_DẪN", help="Chỉ kiểm tra chuỗi này (đường dẫn của đơn vị cấp tỉnh, ví dụ /1/4/; \"\" là chuỗi quốc gia); lặp lại được.")
        parser.add_argument("--checkpoint", action="store_true", help="Nếu nhật ký toàn vẹn, ghi thêm một mốc kiểm tra ngay bây giờ.")
        parser.add_argument("--public-key", action="store_true", help="In khóa công khai Ed25519 để kiểm tra tệp mốc ở nơi khác, rồi thoát.")

    def handle(self, *args, chain, checkpoint, public_key, **options):
        if public_key:
            self.stdout.write(checkpoint_public_key())
            return
        report = verify_chain(chain)
        if not report.ok:
            raise CommandError("Nhật ký bị can thiệp:\n" + "\n".join(f"- {problem}" for problem in report.problems))
        self.stdout.write(self.style.SUCCESS(
            f"Nhật ký toàn vẹn: đã kiểm tra {report.checked} bản ghi trong {len(report.chains)} chuỗi, khớp với {report.checkpoints} mốc kiểm tra."))
        for verified in report.chains:
            self.stdout.write(f"  {chain_label(verified.chain)}: {verified.checked} bản ghi")
        if checkpoint:
            written = write_checkpoint()
            self.stdout.write(f"Đã ghi mốc kiểm tra: {written.count} bản ghi trong {len(written.chains)} chuỗi, lúc {written.when}.")
