"""Rules beyond the role table that need this app's data."""
from django.utils import timezone

from tiepdan.core import policy
from tiepdan.core.roles import Role

from .selectors import authorisation_in_force


def deputy_needs_authorisation_in_force(user, obj) -> str | None:
    """A deputy acts on the Chairman's authority only within the period the Chairman authorised (plan 002 §II.3)."""
    if user.role != Role.PROVINCE_DEPUTY:
        return None
    if authorisation_in_force(user, timezone.localdate()) is None:
        return "Bạn chỉ được thực hiện thao tác này trong thời gian được Chủ tịch UBND tỉnh ủy quyền."
    return None


for _action in sorted(policy.CHAIRMAN_ACTIONS):
    policy.register_check(_action, deputy_needs_authorisation_in_force)
