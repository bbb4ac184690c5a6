"""Documents built from plain values, as the other stages will build them."""
from __future__ import annotations

import datetime as dt

import pytest

from tiepdan.documents import forms
from tiepdan.documents.official import Signature


@pytest.fixture
def province_issuer():
    return forms.Issuer(
        issuing_body="Ủy ban nhân dân tỉnh Lạng Sơn",
        place="Lạng Sơn",
        signature=Signature(authority="TM. Ủy ban nhân dân", on_behalf="KT. Chủ tịch", title="Phó Chủ tịch", signer_name="Đoàn Thu Hà"),
    )


@pytest.fixture
def citizen():
    return forms.Person(
        full_name="Nguyễn Văn Bình",
        id_number="020085001234",
        id_issued_on=dt.date(2021, 4, 12),
        id_issued_by="Cục Cảnh sát quản lý hành chính về trật tự xã hội",
        address="Thôn Nà Chuông, xã Hoàng Văn Thụ, tỉnh Lạng Sơn",
    )


@pytest.fixture
def refusal(province_issuer, citizen):
    return forms.refusal_notice(
        issuer=province_issuer,
        on=dt.date(2026, 2, 5),
        person=citizen,
        reason="Nội dung khiếu nại đã được giải quyết đúng chính sách, pháp luật, đã được kiểm tra, rà soát và trả lời; công dân không có tình tiết mới.",
        legal_basis="khoản 3 Điều 9 Luật Tiếp công dân năm 2013 và khoản 3 Điều 4 Nghị định số 154/2026/NĐ-CP",
        content_refused="Khiếu nại Quyết định số 123/QĐ-UBND về việc thu hồi đất tại thôn Nà Chuông.",
        grounds_on=dt.date(2026, 2, 3),
    )
