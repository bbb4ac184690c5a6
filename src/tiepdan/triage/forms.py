"""Forms of triage: they parse input; the services check the rules."""
from __future__ import annotations

from django import forms

from tiepdan.intake.models import MatterKind, SubjectArea
from tiepdan.organisations.models import Organisation

from .rules import Ground


def _agencies(province_committee):
    return Organisation.objects.filter(path__startswith=province_committee.path, kind__in=[Organisation.Kind.DEPARTMENT, Organisation.Kind.COMMUNE_COMMITTEE, Organisation.Kind.PROVINCE_INSPECTORATE]).order_by("kind", "name")


class ClassifyForm(forms.Form):
    kind = forms.ChoiceField(label="Loại vụ việc", choices=MatterKind.choices)
    subject_area = forms.ChoiceField(label="Lĩnh vực", choices=SubjectArea.choices)
    arose_at = forms.CharField(label="Nơi phát sinh", max_length=255, required=False)
    agencies_involved = forms.ModelMultipleChoiceField(label="Cơ quan liên quan", queryset=Organisation.objects.none(), required=False, widget=forms.SelectMultiple(attrs={"size": 6}))
    already_settled = forms.BooleanField(label="Đã được cơ quan có thẩm quyền giải quyết", required=False)
    settled_by = forms.CharField(label="Cơ quan đã giải quyết hết thẩm quyền", max_length=255, required=False)
    decision_in_force = forms.BooleanField(label="Quyết định giải quyết đã có hiệu lực pháp luật", required=False)
    pm_directed = forms.BooleanField(label="Thủ tướng Chính phủ đã chỉ đạo", required=False)
    within_competence = forms.BooleanField(label="Thuộc thẩm quyền Chủ tịch UBND tỉnh", required=False, initial=True)
    identity_protected = forms.BooleanField(label="Người tố cáo yêu cầu giữ bí mật danh tính", required=False)

    def __init__(self, *args, matter, **kwargs):
        initial = {f: getattr(matter, f) for f in ("kind", "subject_area", "arose_at", "already_settled", "settled_by", "decision_in_force", "pm_directed", "within_competence", "identity_protected")}
        initial["agencies_involved"] = list(matter.agencies_involved.values_list("pk", flat=True))
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["agencies_involved"].queryset = _agencies(matter.province_committee)


class ProposeForm(forms.Form):
    ground = forms.ChoiceField(label="Căn cứ đề xuất tiếp trực tuyến", choices=())
    reason = forms.CharField(label="Lý do đề xuất", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, grounds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ground"].choices = list(grounds) or Ground.choices


class DeclineForm(forms.Form):
    reason = forms.CharField(label="Lý do không tiếp (ghi trong văn bản trả lời công dân)", widget=forms.Textarea(attrs={"rows": 2}))
    advice = forms.CharField(label="Công dân có thể làm gì (mỗi dòng một việc)", widget=forms.Textarea(attrs={"rows": 2}))


class DecideForm(forms.Form):
    agencies_required = forms.ModelMultipleChoiceField(label="Cơ quan phải dự", queryset=Organisation.objects.none(), required=False, widget=forms.CheckboxSelectMultiple)
    reason = forms.CharField(label="Ý kiến", required=False)

    def __init__(self, *args, matter, **kwargs):
        # The Chairman starts from the agencies the Board named when it classified the matter, and may change them.
        kwargs.setdefault("initial", {"agencies_required": [a.pk for a in matter.agencies_involved.all()]})
        super().__init__(*args, **kwargs)
        self.fields["agencies_required"].queryset = _agencies(matter.province_committee).filter(kind=Organisation.Kind.DEPARTMENT) | Organisation.objects.filter(pk__in=matter.agencies_involved.values("pk"))
