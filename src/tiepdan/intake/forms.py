"""Forms parse what people type into Python values; the rules are checked by the services."""
from __future__ import annotations

from django import forms
from django.utils import timezone

from tiepdan.organisations.models import AdministrativeUnit

from . import rules
from .models import Contact, MatterKind, SubjectArea
from .services import CitizenData, MatterData, RepresentativeData, received_moment


PAPER_STATE_CHOICES = [("bản chụp", "Bản chụp"), ("bản sao có chứng thực", "Bản sao có chứng thực"), ("bản sao", "Bản sao"), ("bản chính", "Bản chính")]


def parse_papers(text: str) -> list[dict]:
    """One paper a line: "name; pages; state" (Form 02/TCD's columns)."""
    papers = []
    for i, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split(";")]
        pages = parts[1] if len(parts) > 1 and parts[1] else "1"
        if not pages.isdigit():
            raise forms.ValidationError(f"Giấy tờ, dòng {i}: số trang «{pages}» phải là số. Ví dụ: Quyết định thu hồi đất; 2; bản chụp")
        papers.append({"name": parts[0], "pages": int(pages), "state": parts[2] if len(parts) > 2 and parts[2] else "bản chụp"})
    return papers


class RegistrationForm(forms.Form):
    full_name = forms.CharField(label="Họ và tên", max_length=150)
    id_number = forms.CharField(label="Số CCCD (12 chữ số)", max_length=20)
    date_of_birth = forms.DateField(label="Ngày sinh", widget=forms.DateInput(attrs={"type": "date"}), error_messages={"invalid": "Ngày sinh: hãy nhập đúng dạng ngày/tháng/năm."})
    commune = forms.ModelChoiceField(label="Xã, phường nơi cư trú", queryset=AdministrativeUnit.objects.none(), error_messages={"invalid_choice": "Xã, phường nơi cư trú: hãy chọn trong danh sách."})
    address = forms.CharField(label="Địa chỉ (thôn, bản, số nhà)", max_length=255)
    phone = forms.CharField(label="Điện thoại", max_length=20, required=False)
    email = forms.EmailField(label="Thư điện tử", required=False, error_messages={"invalid": "Thư điện tử: địa chỉ không hợp lệ, ví dụ ten@example.vn."})
    representative_name = forms.CharField(label="Người đại diện được ủy quyền (nếu có)", max_length=150, required=False)
    kind = forms.ChoiceField(label="Loại vụ việc", choices=MatterKind.choices)
    subject_area = forms.ChoiceField(label="Lĩnh vực", choices=SubjectArea.choices, initial=SubjectArea.OTHER)
    summary = forms.CharField(label="Tóm tắt nội dung", max_length=rules.MAX_SUMMARY_CHARS, widget=forms.Textarea(attrs={"rows": 3}))
    request = forms.CharField(label="Yêu cầu của công dân", max_length=rules.MAX_SUMMARY_CHARS, widget=forms.Textarea(attrs={"rows": 2}), required=False)
    identity_protected = forms.BooleanField(label="Người tố cáo yêu cầu giữ bí mật danh tính", required=False)
    wants_online = forms.BooleanField(label="Công dân đồng ý được tiếp trực tuyến", required=False)
    members_count = forms.IntegerField(label="Số người cùng nội dung (đoàn đông người từ 5 người)", min_value=1, max_value=rules.MAX_PEOPLE, initial=1)
    record_signed_on = forms.DateField(
        label="Đoàn đông người: ngày người đại diện thứ nhất (công dân trên) ký biên bản ghi nội dung trình bày", required=False,
        widget=forms.DateInput(attrs={"type": "date"}), error_messages={"invalid": "Ngày ký biên bản: hãy nhập đúng dạng ngày/tháng/năm."},
        help_text="Nghị định 154/2026, Điều 14 khoản 3: người đại diện ký hoặc điểm chỉ vào biên bản.",
    )
    papers = forms.CharField(
        label="Giấy tờ công dân mang theo (mỗi dòng: tên giấy tờ; số trang; tình trạng)", required=False, widget=forms.Textarea(attrs={"rows": 3, "placeholder": "Quyết định thu hồi đất; 2; bản chụp"})
    )

    def __init__(self, *args, communes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes if communes is not None else AdministrativeUnit.objects.filter(level="commune")
        # The other representatives of a delegation: several rows, the empty ones ignored.
        # A post without the rows (the Excel import, an older client) has no other representative.
        self.representatives = RepresentativeFormSet(self.data, prefix="rep") if "rep-TOTAL_FORMS" in self.data else RepresentativeFormSet(prefix="rep")
        for n, row in enumerate(self.representatives.forms, start=2):  # a table row: each input says whose and what it is
            for field in row.fields.values():
                field.widget.attrs["aria-label"] = f"Người đại diện thứ {n}, {field.label}"

    def is_valid(self):
        return all([super().is_valid(), not self.representatives.is_bound or self.representatives.is_valid()])

    def clean_papers(self):
        return parse_papers(self.cleaned_data["papers"])

    def to_data(self) -> tuple[CitizenData, MatterData]:
        c = self.cleaned_data
        citizen = CitizenData(full_name=c["full_name"], id_number=c["id_number"], date_of_birth=c["date_of_birth"], commune=c["commune"], address=c["address"], phone=c["phone"], email=c["email"], representative_name=c["representative_name"])
        others = [RepresentativeData(full_name=r["full_name"], id_number=r["id_number"], address=r["address"], record_signed_on=r["record_signed_on"]) for r in (self.representatives.cleaned_data if self.representatives.is_bound else []) if r and any(r.values())]
        matter = MatterData(
            kind=c["kind"], subject_area=c["subject_area"], summary=c["summary"], request=c["request"], papers=c["papers"], identity_protected=c["identity_protected"],
            wants_online=c["wants_online"], members_count=c["members_count"] or 1, other_representatives=others, record_signed_on=c["record_signed_on"],
        )
        return citizen, matter


class BoardRegistrationForm(RegistrationForm):
    channel = forms.ChoiceField(label="Hình thức", choices=[("in_person", "Công dân đến trực tiếp Ban Tiếp công dân"), ("letter", "Đơn gửi Chủ tịch UBND tỉnh")])
    received_on = forms.DateField(
        label="Ngày nhận đơn (đơn gửi Chủ tịch: ngày đóng dấu đến)", required=False, initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}), error_messages={"invalid": "Ngày nhận đơn: hãy nhập đúng dạng ngày/tháng/năm."},
        help_text="Thời hạn 45 ngày (Nghị định 154/2026, Điều 41) và sổ tiếp công dân tính từ ngày này.",
    )
    written_on = forms.DateField(label="Ngày ghi trên đơn (nếu có)", required=False, widget=forms.DateInput(attrs={"type": "date"}), error_messages={"invalid": "Ngày ghi trên đơn: hãy nhập đúng dạng ngày/tháng/năm."})
    content = forms.CharField(label="Nội dung đơn, hoặc lời trình bày đã ghi lại và đọc lại cho công dân", max_length=rules.MAX_CONTENT_CHARS, widget=forms.Textarea(attrs={"rows": 4}), required=False)
    guided_to = forms.CharField(label="Đã hướng dẫn công dân đến cơ quan (nếu không thuộc thẩm quyền)", max_length=255, required=False, help_text="Cột (10) của sổ tiếp công dân.")
    guidance_document = forms.CharField(label="Số văn bản hướng dẫn (nếu có)", max_length=60, required=False)

    field_order = ["channel", "received_on", "written_on"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["received_on"].widget.attrs["max"] = timezone.localdate().isoformat()

    def received_at(self):
        """The moment the petition counts as received: a letter on the day entered (left empty: today); a citizen in person, now."""
        return received_moment(self.cleaned_data["received_on"]) if self.cleaned_data["channel"] == "letter" else None

    def to_data(self):
        citizen, matter = super().to_data()
        matter.content = self.cleaned_data["content"]
        matter.guided_to, matter.guidance_document = self.cleaned_data["guided_to"], self.cleaned_data["guidance_document"]
        if self.cleaned_data["channel"] == "letter":
            matter.written_on = self.cleaned_data["written_on"]
        return citizen, matter


class RepresentativeForm(forms.Form):
    """One other representative of a delegation (Decree 154/2026 Art. 12: name, identity paper, address)."""

    full_name = forms.CharField(label="họ tên", max_length=150, required=False)
    id_number = forms.CharField(label="số CCCD", max_length=20, required=False)
    address = forms.CharField(label="địa chỉ", max_length=255, required=False)
    record_signed_on = forms.DateField(label="ngày ký biên bản", required=False, widget=forms.DateInput(attrs={"type": "date"}), error_messages={"invalid": "Ngày ký biên bản: hãy nhập đúng dạng ngày/tháng/năm."})


# Up to four besides the citizen registered: Law 2013 Art. 29's ceiling is five; the rule says which count fits the delegation.
class _RepresentativeRows(forms.BaseFormSet):
    default_error_messages = {
        **forms.BaseFormSet.default_error_messages,
        "too_many_forms": "Người đại diện: đoàn cử tối đa 5 người (Luật Tiếp công dân 2013, Điều 29), tức là tối đa 4 người ngoài công dân đã ghi ở trên.",
        "missing_management_form": "Bảng người đại diện bị thiếu dữ liệu. Hãy tải lại trang rồi nhập lại.",
    }


RepresentativeFormSet = forms.formset_factory(RepresentativeForm, formset=_RepresentativeRows, extra=4, max_num=4, validate_max=True)


class ContactForm(forms.Form):
    medium = forms.ChoiceField(label="Hình thức", choices=Contact.Medium.choices)
    person_name = forms.CharField(label="Người liên hệ", max_length=150)
    reach = forms.CharField(label="Số điện thoại / thư điện tử", max_length=150, required=False)
    content = forms.CharField(label="Nội dung công dân trình bày", max_length=rules.MAX_SUMMARY_CHARS, widget=forms.Textarea(attrs={"rows": 3}))
    guided_to_write = forms.BooleanField(label="Đã hướng dẫn công dân gửi đơn bằng văn bản", required=False, initial=True)
    guidance_note = forms.CharField(label="Nội dung hướng dẫn", max_length=255, required=False)


def apply_errors(form: forms.Form, exc) -> None:
    """Put a service's ValidationError on the form's fields (unknown keys go to the top of the form)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
