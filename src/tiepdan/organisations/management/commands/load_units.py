from django.core.management.base import BaseCommand

from tiepdan.organisations.services import load_administrative_units


class Command(BaseCommand):
    help = "Nạp 34 tỉnh, thành phố và 3.321 xã, phường, đặc khu từ gói vietnam-provinces (chạy lại an toàn)."

    def handle(self, *args, **options):
        provinces, communes = load_administrative_units()
        self.stdout.write(self.style.SUCCESS(f"Đơn vị hành chính: {provinces} tỉnh, thành phố; {communes} xã, phường, đặc khu."))
