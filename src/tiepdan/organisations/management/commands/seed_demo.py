import importlib

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings

from tiepdan.organisations import demo


class Command(BaseCommand):
    help = "Tạo (hoặc dùng lại) tỉnh trình diễn Lạng Sơn, các cơ quan, tài khoản mỗi vai trò và dữ liệu mẫu của từng giai đoạn."

    def add_arguments(self, parser):
        parser.add_argument("--province", type=int, default=None, help="Mã tỉnh (mặc định: TIEPDAN_DEMO_PROVINCE, 20 = Lạng Sơn)")

    @transaction.atomic
    def handle(self, *args, province=None, **options):
        orgs = demo.seed(province_code=province)
        # Each later stage seeds its own demo data, in the order of INSTALLED_APPS. A stage may point the
        # settings at what it made for the later ones (documents: the demo signing identity, so the notice
        # and the recording's manifest come out signed); the layer is dropped afterwards, so a test that
        # seeds the demo leaves the process's settings as they were.
        with override_settings():
            self._seed_stages(orgs)
        self.stdout.write(self.style.SUCCESS(f"Dữ liệu trình diễn sẵn sàng: {orgs['committee']}."))

    def _seed_stages(self, orgs: dict) -> None:
        for config in apps.get_app_configs():
            if config.name.startswith("tiepdan.") and config.name != "tiepdan.organisations":
                try:
                    module = importlib.import_module(f"{config.name}.demo")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{config.name}.demo":
                        raise
                    continue
                module.seed(orgs)
