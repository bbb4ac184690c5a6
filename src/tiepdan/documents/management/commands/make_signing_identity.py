"""``manage.py make_signing_identity``: the demo CA and the agency's PKCS#12 under the data directory."""
from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import DatabaseError

from tiepdan.documents.identity import DEMO_CA_NAME, make_demo_identity
from tiepdan.organisations.models import Organisation


def default_organisation() -> str:
    """The demo province's committee, when the demo is seeded; else a neutral name."""
    try:
        committee = Organisation.objects.filter(kind=Organisation.Kind.PROVINCE_COMMITTEE, unit__code=f"{settings.DEMO_PROVINCE_CODE:02d}").first()
    except DatabaseError:  # before `migrate`: the identity can still be made
        committee = None
    return committee.name if committee else "Ủy ban nhân dân tỉnh"


class Command(BaseCommand):
    help = f"Tạo chứng thư số thử nghiệm của cơ quan ({DEMO_CA_NAME}) trong thư mục dữ liệu, nếu chưa có."

    def add_arguments(self, parser):
        parser.add_argument("--organisation", default=None, help="Tên cơ quan ghi trong chứng thư số (mặc định: UBND tỉnh trình diễn).")
        parser.add_argument("--dir", default=str(Path(settings.DATA_DIR) / "pki"), help="Thư mục ghi tệp (mặc định: DATA_DIR/pki).")

    def handle(self, *args, organisation=None, dir=None, **options):
        identity = make_demo_identity(Path(dir), organisation or default_organisation())
        verb = "Đã tạo" if identity.created else "Đã có sẵn"
        self.stdout.write(self.style.SUCCESS(f"{verb} chứng thư số thử nghiệm (không có giá trị pháp lý): {identity.pkcs12}"))
        self.stdout.write(f"CA để kiểm tra chữ ký: {identity.ca_pem}")
