from django import forms
from django.contrib.auth.forms import AuthenticationForm

from tiepdan.core.roles import Role
from tiepdan.core.text import normalise


class LoginForm(AuthenticationForm):
    username = forms.CharField(label="Tên đăng nhập", max_length=150, widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}))
    password = forms.CharField(label="Mật khẩu", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    error_messages = {
        "invalid_login": "Tên đăng nhập hoặc mật khẩu không đúng. Lưu ý: sau nhiều lần sai, tài khoản bị tạm khóa.",
        "inactive": "Tài khoản này đã bị khóa. Liên hệ quản trị hệ thống.",
    }


class SecondFactorForm(forms.Form):
    token = forms.CharField(label="Mã xác thực 6 số", min_length=6, max_length=6, widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}))

    def clean_token(self):
        token = self.cleaned_data["token"].strip()
        if not token.isdigit():
            raise forms.ValidationError("Mã xác thực chỉ gồm 6 chữ số.")
        return token


class EnrolmentCodeForm(forms.Form):
    code = forms.CharField(label="Mã kích hoạt", max_length=40, help_text="12 ký tự trên giấy quản trị hệ thống cấp cho bạn, ví dụ ABCD-EFGH-JKMN.",
                           widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false", "autofocus": True}))


class IssueEnrolmentCodeForm(forms.Form):
    reason = forms.CharField(label="Lý do cài đặt lại", max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="Ví dụ: cán bộ mất điện thoại, đổi máy. Thiết bị cũ bị thu hồi ngay.")

    def __init__(self, *args, reset: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if reset:
            self.fields["reason"].required = True
        else:
            del self.fields["reason"]


class AuthorisationForm(forms.Form):
    deputy = forms.ModelChoiceField(label="Người được ủy quyền", queryset=None)
    valid_from = forms.DateField(label="Từ ngày", widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(label="Đến hết ngày", widget=forms.DateInput(attrs={"type": "date"}))
    document_number = forms.CharField(label="Số văn bản ủy quyền", max_length=60, required=False)
    scope_note = forms.CharField(label="Nội dung ủy quyền", max_length=300, required=False)

    def __init__(self, *args, deputies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputy"].queryset = deputies


class OfficialForm(forms.Form):
    username = forms.RegexField(label="Tên đăng nhập", max_length=150, regex=r"^[a-z0-9_.-]+$", error_messages={"invalid": "Tên đăng nhập chỉ gồm chữ thường không dấu, số, dấu chấm, gạch."})
    full_name = forms.CharField(label="Họ và tên", max_length=150)
    organisation = forms.ModelChoiceField(label="Đơn vị", queryset=None)
    role = forms.ChoiceField(label="Vai trò")
    position = forms.CharField(label="Chức vụ", max_length=120, required=False)
    email = forms.EmailField(label="Thư điện tử", required=False)
    phone = forms.CharField(label="Điện thoại", max_length=30, required=False)
    password = forms.CharField(label="Mật khẩu ban đầu", widget=forms.PasswordInput, min_length=10, help_text="Ít nhất 10 ký tự; cán bộ đổi mật khẩu và cài xác thực hai lớp khi đăng nhập lần đầu.")

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["role"].choices = Role.choices

    def clean_full_name(self):
        return normalise(self.cleaned_data["full_name"])
