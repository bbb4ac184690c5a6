"""Demo province for `make run`: Lạng Sơn, its organisations and one account per role.

Other apps add their demo data in their own ``demo.py`` (a ``seed(province)``
function); ``manage.py seed_demo`` calls them in the order of a matter's life.
"""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from tiepdan.core.roles import Role

from . import services
from .models import AdministrativeUnit, DelegationOfAuthority, Organisation, User

DEMO_PASSWORD = "tiepdan-demo-2026"
K = Organisation.Kind

DEPARTMENTS = [
    ("Sở Nông nghiệp và Môi trường", "Sở NN&MT"),
    ("Sở Tài chính", "Sở TC"),
    ("Sở Xây dựng", "Sở XD"),
    ("Sở Nội vụ", "Sở NV"),
    ("Sở Tư pháp", "Sở TP"),
    ("Sở Y tế", "Sở YT"),
    ("Sở Giáo dục và Đào tạo", "Sở GD&ĐT"),
    ("Công an tỉnh", "CA tỉnh"),
]


def central_tree() -> dict[str, Organisation]:
    central = services.ensure_organisation(name="Trung ương", kind=K.CENTRAL, parent=None)
    inspectorate = services.ensure_organisation(name="Thanh tra Chính phủ", kind=K.GOVERNMENT_INSPECTORATE, parent=central)
    board = services.ensure_organisation(name="Ban Tiếp công dân Trung ương", kind=K.CENTRAL_BOARD, parent=inspectorate, address="Số 1 Ngô Thì Nhậm, Hà Đông, Hà Nội")
    return {"central": central, "inspectorate": inspectorate, "central_board": board}


def province_tree(unit: AdministrativeUnit, central: Organisation) -> dict[str, Organisation]:
    name = unit.name
    committee = services.ensure_organisation(name=f"Ủy ban nhân dân tỉnh {name}", kind=K.PROVINCE_COMMITTEE, parent=central, unit=unit, short_name=f"UBND tỉnh {name}")
    orgs = {
        "committee": committee,
        "board": services.ensure_organisation(name=f"Ban Tiếp công dân tỉnh {name}", kind=K.PROVINCE_BOARD, parent=committee, unit=unit, short_name="Ban TCD tỉnh"),
        "inspectorate": services.ensure_organisation(name=f"Thanh tra tỉnh {name}", kind=K.PROVINCE_INSPECTORATE, parent=committee, unit=unit),
        "it_centre": services.ensure_organisation(name=f"Trung tâm Công nghệ thông tin và Truyền thông tỉnh {name}", kind=K.IT_CENTRE, parent=committee, unit=unit, short_name="TT CNTT"),
    }
    for full, short in DEPARTMENTS:
        orgs[short] = services.ensure_organisation(name=full if full.startswith("Công an") else f"{full} tỉnh {name}", kind=K.DEPARTMENT, parent=committee, unit=unit, short_name=short)
    existing = set(Organisation.objects.filter(kind=K.COMMUNE_COMMITTEE, parent=committee).values_list("unit_id", flat=True))
    for commune in unit.children.order_by("code"):
        if commune.pk not in existing:
            Organisation(name=f"Ủy ban nhân dân {commune.name}", short_name=f"UBND {commune.name}", kind=K.COMMUNE_COMMITTEE, parent=committee, unit=commune).save()
    return orgs


DEMO_ACCOUNTS = [
    # username, full name, role, organisation key, position
    ("chutich", "Hồ Tiến Thiệu", Role.PROVINCE_CHAIRMAN, "committee", "Chủ tịch UBND tỉnh"),
    ("phochutich", "Đoàn Thu Hà", Role.PROVINCE_DEPUTY, "committee", "Phó Chủ tịch UBND tỉnh"),
    ("bantcd", "Hoàng Văn Bình", Role.BOARD_OFFICER, "board", "Chuyên viên Ban Tiếp công dân"),
    ("sonnmt", "Lương Thị Hạnh", Role.DEPARTMENT_OFFICER, "Sở NN&MT", "Phó Giám đốc Sở"),
    ("thanhtra", "Nông Đức Minh", Role.INSPECTOR, "inspectorate", "Thanh tra viên chính"),
    ("cntt", "Vi Văn Quân", Role.IT_OPERATOR, "it_centre", "Kỹ thuật viên"),
    ("chutichxa", "Lăng Văn Tuấn", Role.COMMUNE_CHAIRMAN, "commune", "Chủ tịch UBND xã"),
    ("canboxa", "Triệu Thị Mai", Role.COMMUNE_OFFICER, "commune", "Công chức Văn phòng - Thống kê"),
    ("cnttxa", "Hà Văn Sơn", Role.IT_OPERATOR, "commune", "Công chức phụ trách CNTT"),
    ("trunguong", "Phạm Quốc Hưng", Role.CENTRAL_OBSERVER, "central_board", "Chuyên viên Ban TCD Trung ương"),
    ("quantri", "Nguyễn Hải Đăng", Role.SYSTEM_ADMIN, "it_centre", "Quản trị hệ thống"),
]


def seed(*, province_code: int | None = None) -> dict:
    """Create (or reuse) the demo province and its accounts. Returns the main organisations."""
    code = f"{int(province_code or settings.DEMO_PROVINCE_CODE):02d}"
    unit = AdministrativeUnit.objects.get(code=code, level=AdministrativeUnit.Level.PROVINCE)
    central = central_tree()
    orgs = {**central, **province_tree(unit, central["central"])}
    orgs["commune"] = Organisation.objects.filter(kind=K.COMMUNE_COMMITTEE, parent=orgs["committee"]).order_by("unit__code").first()
    for username, full_name, role, key, position in DEMO_ACCOUNTS:
        if not User.objects.filter(username=username).exists():
            services.create_official(by=None, username=username, full_name=full_name, organisation=orgs[key], role=role, password=DEMO_PASSWORD, position=position, email=f"{username}@demo.tiepdan.local", is_demo=True)
    chairman, deputy = User.objects.get(username="chutich"), User.objects.get(username="phochutich")
    today = timezone.localdate()
    if not DelegationOfAuthority.objects.filter(deputy=deputy, revoked_at__isnull=True, valid_until__gte=today).exists():
        grant = DelegationOfAuthority(chairman=chairman, deputy=deputy, valid_from=today, valid_until=today + dt.timedelta(days=90), scope_note="Chủ trì tiếp công dân định kỳ khi Chủ tịch vắng", document_number="01/GUQ-UBND")
        grant.save()
    return orgs
