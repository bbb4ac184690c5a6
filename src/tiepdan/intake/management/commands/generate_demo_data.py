"""manage.py generate_demo_data --petitions N [--province CODE] [--seed S]: realistic data at scale (see intake.generator)."""
from __future__ import annotations

import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tiepdan.intake.generator import generate


class Command(BaseCommand):
    help = "Tạo dữ liệu mẫu: công dân, đoàn đông người, vụ việc và đơn của một tỉnh (chèn theo lô, nhanh)."

    def add_arguments(self, parser):
        parser.add_argument("--petitions", type=int, required=True, help="Số đơn cần tạo (ví dụ 1000000).")
        parser.add_argument("--province", type=int, default=settings.DEMO_PROVINCE_CODE, help="Mã tỉnh (20 = Lạng Sơn).")
        parser.add_argument("--seed", type=int, default=0, help="Hạt giống ngẫu nhiên: cùng hạt giống cho cùng dữ liệu.")
        parser.add_argument("--batch-size", type=int, default=5000, help="Số đơn mỗi lô chèn.")

    def handle(self, *args, petitions, province, seed, batch_size, **options):
        verbosity = options.get("verbosity", 1)

        def progress(done, total):
            if verbosity >= 1 and (done == total or done % 50_000 < batch_size):
                sys.stderr.write(f"\r  {done:,}/{total:,} đơn")
                sys.stderr.flush()

        try:
            report = generate(petitions=petitions, province_code=province, seed=seed, batch_size=batch_size, progress=progress)
        except Exception as exc:
            if type(exc).__name__ == "DoesNotExist":
                raise CommandError(f"Chưa có tỉnh mã {province:02d} trong CSDL; hãy chạy «manage.py load_units» trước.") from exc
            if isinstance(exc, ValueError):
                raise CommandError(str(exc)) from exc
            raise
        if verbosity >= 1:
            sys.stderr.write("\n")
        self.stdout.write(
            f"Đã tạo {report.petitions:,} đơn, {report.matters:,} vụ việc, {report.citizens:,} công dân, {report.delegations:,} đoàn "
            f"trong {report.seconds:.1f} giây ({report.rows_per_second:,.0f} dòng/giây)."
        )
