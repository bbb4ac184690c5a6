"""Give an official an enrolment code from the server's console: how the first system administrator enrols."""
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tiepdan.organisations import services
from tiepdan.organisations.models import User


class Command(BaseCommand):
    help = "Cấp mã kích hoạt xác thực hai lớp cho một cán bộ (dùng cho quản trị hệ thống đầu tiên); mã chỉ in ra một lần."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--reason", default="", help="Lý do (bắt buộc khi cán bộ đã cài ứng dụng xác thực: thiết bị cũ bị thu hồi).")

    def handle(self, *args, username, reason, **options):
        person = User.objects.filter(username=username).first()
        if person is None:
            raise CommandError(f"Không có tài khoản «{username}».")
        try:
            code, plain = services.issue_enrolment_code(by=None, person=person, reason=reason)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(f"Mã kích hoạt cho {person.full_name} ({person.username}): {plain}")
        self.stdout.write(f"Hết hạn lúc {timezone.localtime(code.expires_at):%H:%M ngày %d/%m/%Y}; dùng một lần.")
