"""Forms for the calendar pages: they check shapes; the services check the law."""
from django import forms

from tiepdan.bridges.models import BridgePoint

from . import rules
from .models import AdHocReason, ReceptionSettings


class _DateInput(forms.DateInput):
    input_type = "date"


class _TimeInput(forms.TimeInput):
    input_type = "time"


class AdHocSessionForm(forms.Form):
    date = forms.DateField(label="Ngày tiếp", widget=_DateInput)
    starts = forms.TimeField(label="Bắt đầu", widget=_TimeInput)
    ends = forms.TimeField(label="Kết thúc", widget=_TimeInput)
    reason = forms.ChoiceField(label="Căn cứ (Luật Tiếp công dân 2013, Điều 18(3))", choices=AdHocReason.choices, widget=forms.RadioSelect)
    note = forms.CharField(label="Nêu rõ vụ việc, tình tiết cần tiếp đột xuất", widget=forms.Textarea(attrs={"rows": 3}))
    location = forms.CharField(label="Địa điểm (để trống: trụ sở Ban Tiếp công dân tỉnh)", required=False)


class ChangeTimeForm(forms.Form):
    date = forms.DateField(label="Ngày tiếp", widget=_DateInput)
    starts = forms.TimeField(label="Bắt đầu", widget=_TimeInput)
    ends = forms.TimeField(label="Kết thúc", widget=_TimeInput)
    location = forms.CharField(label="Địa điểm", max_length=255)
    reason = forms.CharField(label="Lý do thay đổi (gửi kèm thông báo cho mọi người được mời)", widget=forms.Textarea(attrs={"rows": 2}))


class ReceptionSettingsForm(forms.ModelForm):
    class Meta:
        model = ReceptionSettings
        fields = ["day_of_month", "online_starts", "online_ends", "capacity_seats", "notice_working_days", "test_deadline_hour", "months_ahead", "location", "central_point", "plan_reference", "plan_bridge_requirement"]
        widgets = {"online_starts": _TimeInput, "online_ends": _TimeInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["central_point"].queryset = BridgePoint.objects.filter(province_committee=self.instance.province_committee, is_active=True).exclude(kind="commune")

    def clean_notice_working_days(self):
        value = self.cleaned_data["notice_working_days"]
        if value is not None and value < rules.NOTICE_MIN_WORKING_DAYS:
            raise forms.ValidationError(f"Nghị định 154/2026, Điều 23(1) yêu cầu thông báo trước ít nhất {rules.NOTICE_MIN_WORKING_DAYS} ngày làm việc; hãy nhập từ {rules.NOTICE_MIN_WORKING_DAYS} trở lên.")
        return value
