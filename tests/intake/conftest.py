"""Helpers for registration tests: valid citizen and matter data built in one line, changed per test."""
from __future__ import annotations

import datetime as dt
import itertools

import pytest

_serial = itertools.count(100001)


@pytest.fixture
def communes(demo):
    """The first and second communes of the demo province (their committees and units)."""
    from tiepdan.organisations.models import Organisation

    committees = list(Organisation.objects.filter(kind=Organisation.Kind.COMMUNE_COMMITTEE, parent=demo["committee"]).order_by("unit__code")[:2])
    return committees


@pytest.fixture
def citizen_data(communes):
    from tiepdan.intake.services import CitizenData

    def make(**overrides):
        born = overrides.pop("date_of_birth", dt.date(1968, 3, 12))
        number = overrides.pop("id_number", None) or f"020{(born.year // 100 - 19) * 2}{born.year % 100:02d}{next(_serial):06d}"
        values = dict(full_name="Nguyễn Văn Bình", id_number=number, date_of_birth=born, commune=communes[0].unit, address="Thôn Bản Chắt", phone="0912345678")
        values.update(overrides)
        return CitizenData(**values)

    return make


@pytest.fixture
def matter_data():
    from tiepdan.intake.services import MatterData

    def make(**overrides):
        values = dict(kind="complaint", subject_area="land", summary="Khiếu nại quyết định thu hồi đất đai làm đường tỉnh lộ 226, đề nghị xem xét lại giá bồi thường.", request="Đề nghị Chủ tịch UBND tỉnh xem xét lại.", papers=[{"name": "Quyết định thu hồi đất", "pages": 2, "state": "bản chụp"}])
        values.update(overrides)
        return MatterData(**values)

    return make


@pytest.fixture
def household(official, citizen_data, matter_data):
    """A household recorded by the demo commune officer (canboxa): ``household(**matter_overrides)``."""
    from tiepdan.intake import services

    def make(citizen=None, **overrides):
        return services.record_household(by=official("canboxa"), citizen=citizen or citizen_data(), matter=matter_data(**overrides))

    return make


@pytest.fixture
def board_matter(official, citizen_data, matter_data):
    from tiepdan.intake import services

    def make(citizen=None, **overrides):
        return services.register_at_board(by=official("bantcd"), citizen=citizen or citizen_data(), matter=matter_data(**overrides))

    return make


def make_pdf(pages: int = 1) -> bytes:
    """A real PDF of ``pages`` pages (reportlab), as a scanner or a word processor would give."""
    import io

    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    c = canvas.Canvas(buffer)
    for n in range(pages):
        c.drawString(72, 720, f"Trang {n + 1}")
        c.showPage()
    c.save()
    return buffer.getvalue()


def make_png(width: int = 40, height: int = 30) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(buffer, format="PNG")
    return buffer.getvalue()
