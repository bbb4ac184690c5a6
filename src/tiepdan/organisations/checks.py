"""Our deploy checks (``manage.py check --deploy``): no demo account may be usable in a deployment.

The demo accounts' password is printed in the README and on the embedded product's sign-in page.
"""
from __future__ import annotations

from django.core import checks
from django.db import DatabaseError, connection

from .demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from .models import User


@checks.register(checks.Tags.security, deploy=True)
def demo_accounts_absent(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Error while any active account carries the demo mark, or a demo account's name with the demo password.

    Checking the published password on every account would cost a password hash each (half a second);
    other accounts cannot be given it (``password_validation.NotDemoPasswordValidator``).
    """
    try:
        if User._meta.db_table not in connection.introspection.table_names():
            return []  # nothing migrated yet: no account at all
        marked = list(User.objects.filter(is_active=True, is_demo=True).order_by("username").values_list("username", flat=True))
        named = User.objects.filter(is_active=True, is_demo=False, username__in=[a[0] for a in DEMO_ACCOUNTS])
        with_demo_password = sorted(u.username for u in named if u.has_usable_password() and u.check_password(DEMO_PASSWORD))
    except DatabaseError as exc:
        return [checks.Warning(f"Không kiểm tra được tài khoản trình diễn: không đọc được cơ sở dữ liệu ({exc}).", id="tiepdan.W001")]
    errors = []
    if marked:
        errors.append(checks.Error(
            f"Còn {len(marked)} tài khoản trình diễn đang mở: {', '.join(marked)}.",
            hint="Mật khẩu của chúng được công bố. Khóa hoặc xóa các tài khoản này (quản trị, is_active=False) trước khi vận hành thật.",
            id="tiepdan.E001",
        ))
    if with_demo_password:
        errors.append(checks.Error(
            f"Tài khoản dùng mật khẩu trình diễn đã công bố: {', '.join(with_demo_password)}.",
            hint="Đặt mật khẩu mới (manage.py changepassword) hoặc khóa các tài khoản này.",
            id="tiepdan.E002",
        ))
    return errors
