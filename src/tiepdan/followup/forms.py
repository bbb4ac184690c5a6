"""Forms of the follow-up: they parse input; the services check the rules."""
from __future__ import annotations

from django import forms

from tiepdan.intake.rules import MAX_ATTACHMENT_BYTES

from .models import TaskReport
from .services import MAX_FILES_PER_REPORT


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern); each is checked by the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class ReportForm(forms.Form):
    kind = forms.ChoiceField(label="Loại báo cáo", choices=TaskReport.Kind.choices, widget=forms.RadioSelect, initial=TaskReport.Kind.PROGRESS)
    text = forms.CharField(label="Nội dung báo cáo", widget=forms.Textarea(attrs={"rows": 4}))
    answer = forms.CharField(label="Trả lời công dân (khi báo cáo kết quả: ban hành thành văn bản, có số, gửi công dân)", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    files = MultipleFileField(label=f"Tài liệu kèm theo (PDF, JPEG, PNG; tối đa {MAX_FILES_PER_REPORT} tệp, mỗi tệp {MAX_ATTACHMENT_BYTES // 1024 // 1024} MB)", required=False)


class ReturnForm(forms.Form):
    reason = forms.CharField(label="Lý do yêu cầu bổ sung (cơ quan được giao sẽ đọc)", widget=forms.Textarea(attrs={"rows": 2}))


class AcceptForm(forms.Form):
    note = forms.CharField(label="Ghi chú (không bắt buộc)", required=False, widget=forms.Textarea(attrs={"rows": 2}))
