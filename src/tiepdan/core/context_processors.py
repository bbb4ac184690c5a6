from django.conf import settings

from . import navigation, policy


def product(request):
    user = getattr(request, "user", None)
    return {
        "PRODUCT_NAME": "Tiếp công dân trực tuyến",
        "DEMO_MODE": settings.ALLOW_DEMO_ACCOUNTS,
        "can": _Can(user),
        "nav_items": navigation.entries_for(user, menu_only=True) if user is not None and user.is_authenticated else [],
    }


class _Can:
    """Lets templates ask the policy: ``{% if can.intake__register %}`` (dots become double underscores)."""

    def __init__(self, user):
        self._user = user

    def __getattr__(self, name):
        return policy.can(self._user, name.replace("__", "."))

    def __getitem__(self, name):
        # The template engine tries ``can["intake__register"]`` before the attribute, so the same spelling works here.
        return policy.can(self._user, name.replace("__", "."))
