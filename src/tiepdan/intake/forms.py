"""Forms parse what people type into Python values; the rules are checked by the services."""
from __future__ import annotations

from django import forms

from tiepdan.organisations.models import AdministrativeUnit

from .models import Contact, MatterKind, SubjectArea
from .services import CitizenData, MatterData

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
    summary = forms.CharField(label="Tóm tắt nội dung", widget=forms.Textarea(attrs={"rows": 3}))
    request = forms.CharField(label="Yêu cầu của công dân", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    identity_protected = forms.BooleanField(label="Người tố cáo yêu cầu giữ bí mật danh tính", required=False)
    wants_online = forms.BooleanField(label="Công dân đồng ý được tiếp trực tuyến", required=False)
    members_count = forms.IntegerField(label="Số người cùng nội dung (đoàn đông người từ 5 người)", min_value=1, initial=1)
    papers = forms.CharField(
        label="Giấy tờ công dân mang theo (mỗi dòng: tên giấy tờ; số trang; tình trạng)", required=False, widget=forms.Textarea(attrs={"rows": 3, "placeholder": "Quyết định thu hồi đất; 2; bản chụp"})
    )

    def __init__(self, *args, communes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes if communes is not None else AdministrativeUnit.objects.filter(level="commune")

    def clean_papers(self):
        return parse_papers(self.cleaned_data["papers"])

    def to_data(self) -> tuple[CitizenData, MatterData]:
        c = self.cleaned_data
        citizen = CitizenData(full_name=c["full_name"], id_number=c["id_number"], date_of_birth=c["date_of_birth"], commune=c["commune"], address=c["address"], phone=c["phone"], email=c["email"], representative_name=c["representative_name"])
        matter = MatterData(kind=c["kind"], subject_area=c["subject_area"], summary=c["summary"], request=c["request"], papers=c["papers"], identity_protected=c["identity_protected"], wants_online=c["wants_online"], members_count=c["members_count"] or 1)
        return citizen, matter


class BoardRegistrationForm(RegistrationForm):
    channel = forms.ChoiceField(label="Hình thức", choices=[("in_person", "Công dân đến trực tiếp Ban Tiếp công dân"), ("letter", "Đơn gửi Chủ tịch UBND tỉnh")])
    content = forms.CharField(label="Nội dung đơn, hoặc lời trình bày đã ghi lại và đọc lại cho công dân", widget=forms.Textarea(attrs={"rows": 4}), required=False)

    def to_data(self):
        citizen, matter = super().to_data()
        matter.content = self.cleaned_data["content"]
        return citizen, matter


class ContactForm(forms.Form):
    medium = forms.ChoiceField(label="Hình thức", choices=Contact.Medium.choices)
    person_name = forms.CharField(label="Người liên hệ", max_length=150)
    reach = forms.CharField(label="Số điện thoại / thư điện tử", max_length=150, required=False)
    content = forms.CharField(label="Nội dung công dân trình bày", widget=forms.Textarea(attrs={"rows": 3}))
    guided_to_write = forms.BooleanField(label="Đã hướng dẫn công dân gửi đơn bằng văn bản", required=False, initial=True)
    guidance_note = forms.CharField(label="Nội dung hướng dẫn", max_length=255, required=False)


def apply_errors(form: forms.Form, exc) -> None:
    """Put a service's ValidationError on the form's fields (unknown keys go to the top of the form)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
