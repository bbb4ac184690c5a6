"""Django's own messages that its Vietnamese catalogue leaves in English come from ours (tiepdan/locale/vi)."""
from django import forms


class _AnyForm(forms.Form):
    name = forms.CharField()


def test_a_nul_byte_is_refused_in_vietnamese_on_any_form():
    form = _AnyForm(data={"name": "Nguyễn\x00Văn"})
    assert not form.is_valid()
    assert form.errors["name"] == ["Có ký tự NUL (ký tự rỗng, không in được) trong ô này. Hãy gõ lại nội dung, không dán từ tệp nhị phân."]
