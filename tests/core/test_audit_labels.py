"""Every object the audit log names has a Vietnamese name: its kind and its own label, never «Contact object (1)»."""
import datetime as dt

from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import reverse

from tiepdan.core import audit
from tiepdan.core.labels import OBJECT_TYPE_LABELS, object_type_label


def _product_models():
    return [m for m in apps.get_models() if m.__module__.startswith("tiepdan.")]


def test_every_model_of_the_product_has_a_vietnamese_kind_and_its_own_label():
    """A model added without either fails here: give it ``__str__`` and a ``verbose_name`` (or a line in core/labels.py)."""
    nameless = [m._meta.label_lower for m in _product_models() if m.__str__ is models.Model.__str__]
    assert nameless == []
    for model in _product_models():
        label = object_type_label(model._meta.label_lower)
        declared = model._meta.original_attrs.get("verbose_name") or OBJECT_TYPE_LABELS.get(model._meta.label_lower)
        assert declared and label == str(declared), f"{model._meta.label_lower} has no Vietnamese name: «{label}»"


def test_the_audit_log_names_every_kind_of_object_in_vietnamese(demo, official):
    from tiepdan.bridges.models import BridgePoint
    from tiepdan.intake import services as intake
    from tiepdan.intake.models import Attachment, Petition
    from tiepdan.intake.services import CitizenData, MatterData

    board = official("bantcd")
    contact = intake.log_contact(by=board, medium="phone", person_name="Lý Văn Gọi", reach="0912345678", content="Hỏi về thủ tục khiếu nại", guided_to_write=True)
    citizen = CitizenData(full_name="Hoàng Thị Nhãn", id_number="020168000123", date_of_birth=dt.date(1968, 3, 12), commune=demo["commune"].unit, address="Thôn Bản Nhãn")
    matter = intake.register_at_board(by=board, citizen=citizen, matter=MatterData(kind="complaint", summary="Khiếu nại về bồi thường", wants_online=True))
    petition = Petition.objects.filter(matter=matter).first()
    attachment = Attachment(petition=petition, original_name="don-khieu-nai.pdf", content_type="application/pdf", size_bytes=10, sha256="0" * 64)
    for obj in (petition, attachment, matter.transitions.first(), BridgePoint.objects.filter(province_committee=demo["committee"]).first(), board):
        if obj is not None:
            audit.record(actor=board, action="test.label", obj=obj)

    client = Client()
    client.force_login(official("thanhtra"))
    html = client.get(reverse("audit_log")).content.decode()
    assert "object (" not in html
    assert f"Liên hệ qua điện thoại, thư điện tử:</span> {contact}" in html and "Lý Văn Gọi" in html
    assert f"Vụ việc:</span> {matter}" in html
    assert f"Đơn:</span> Đơn số {petition.pk}" in html
    assert "Tài liệu kèm theo:</span> Tài liệu «don-khieu-nai.pdf»" in html
    assert "Cán bộ:</span> Hoàng Văn Bình" in html


def test_an_object_without_a_label_of_its_own_is_named_by_its_kind_and_number(demo, monkeypatch):
    from tiepdan.organisations.models import Organisation

    monkeypatch.setattr(Organisation, "__str__", models.Model.__str__)  # what a model without __str__ would say
    entry = audit.record(actor=None, action="test.label", obj=demo["commune"])
    assert entry.object_repr == f"Cơ quan, đơn vị số {demo['commune'].pk}"
