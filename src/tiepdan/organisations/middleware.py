from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

_EXEMPT_PREFIXES = ("/dang-nhap", "/dang-xuat", "/xac-thuc-hai-lop", "/static/", "/diem-cau/tham-gia/", "/healthz")


class SecondFactorMiddleware:
    """Officials must pass a TOTP second factor when the settings require it.

    Demo accounts may skip it only where demo accounts are allowed (the embedded
    `make run`); their pages say so in a banner.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            settings.REQUIRE_SECOND_FACTOR
            and user is not None
            and user.is_authenticated
            and not user.is_verified()
            and not (settings.ALLOW_DEMO_ACCOUNTS and user.is_demo)
            and not request.path.startswith(_EXEMPT_PREFIXES)
        ):
            return redirect(f"{reverse('second_factor')}?next={request.get_full_path()}")
        return self.get_response(request)
