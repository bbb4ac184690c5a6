"""The Vietnamese names of the kinds of object the audit log speaks of.

A model's own ``verbose_name`` is used where it declares one. The models below declare none, and adding
one would mean a migration in their app for a wording change, so their names are kept here, keyed by
``app_label.modelname`` (core imports no other app). ``tests/core/test_audit_labels.py`` fails when a model
of the product has neither.
"""
from __future__ import annotations

from django.apps import apps
from django.db import models

OBJECT_TYPE_LABELS: dict[str, str] = {
    "documents.documentcounter": "bộ đếm số văn bản",
    "otp_totp.totpdevice": "thiết bị xác thực hai lớp (TOTP)",
    "intake.mattertransition": "chuyển trạng thái vụ việc",
    "intake.attachment": "tài liệu kèm theo",
    "intake.contact": "liên hệ qua điện thoại, thư điện tử",
    "triage.proposal": "đề xuất tiếp trực tuyến",
    "triage.decision": "quyết định về vụ việc",
}


def object_type_label(object_type: str) -> str:
    """«vụ việc» for ``intake.matter``; '' for no object; the raw type only for a model that no longer exists."""
    if not object_type:
        return ""
    if object_type in OBJECT_TYPE_LABELS:
        return OBJECT_TYPE_LABELS[object_type]
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return object_type
    return str(model._meta.verbose_name)


def object_label(obj: models.Model) -> str:
    """What the log calls one object: its own ``__str__``, or «<kind> số <id>» where the model has none.

    Django's default («Contact object (1)») says nothing to an inspector and is in English.
    """
    if type(obj).__str__ is not models.Model.__str__:
        return str(obj)
    return f"{object_type_label(obj._meta.label_lower).capitalize()} số {obj.pk}"
