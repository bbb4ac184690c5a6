"""The notice editor's forms: one per matter (``NoticeItem``) and one to give an agency a task."""
from __future__ import annotations

from django import forms

from tiepdan.organisations.models import Organisation

from .models import NoticeItem


class ItemForm(forms.ModelForm):
    class Meta:
        model = NoticeItem
        fields = list(NoticeItem.EDITABLE)
        widgets = {
            "request": forms.Textarea(attrs={"rows": 3}),
            "agencies_opinions": forms.Textarea(attrs={"rows": 3}),
            "conclusion": forms.Textarea(attrs={"rows": 3}),
        }


class DirectiveForm(forms.Form):
    agency = forms.ModelChoiceField(label="Cơ quan được giao", queryset=Organisation.objects.none())
    content = forms.CharField(label="Nội dung giao", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    working_days = forms.IntegerField(label="Thời hạn (ngày làm việc)", min_value=1, max_value=90, initial=10)

    def __init__(self, *args, province_committee: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Organisation.objects.filter(
            path__startswith=province_committee.path, kind__in=[Organisation.Kind.DEPARTMENT, Organisation.Kind.COMMUNE_COMMITTEE, Organisation.Kind.PROVINCE_INSPECTORATE],
        ).order_by("kind", "name")
