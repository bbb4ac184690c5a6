"""A password validator of ours, in AUTH_PASSWORD_VALIDATORS beside Django's."""
from django.core.exceptions import ValidationError

from .demo import DEMO_PASSWORD


class NotDemoPasswordValidator:
    """Refuse the demo accounts' password: it is published (README, the embedded sign-in page)."""

    def validate(self, password, user=None):
        if password == DEMO_PASSWORD:
            raise ValidationError("Mật khẩu này là mật khẩu trình diễn đã công bố; hãy chọn mật khẩu khác.", code="demo_password")

    def get_help_text(self):
        return "Không dùng mật khẩu của tài khoản trình diễn."
