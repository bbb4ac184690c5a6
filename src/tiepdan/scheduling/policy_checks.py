"""Rules beyond the role table that need this app's data: who reads the minutes of a matter on the agenda."""
from django.utils import timezone

from tiepdan.core import policy
from tiepdan.core.roles import Role
from tiepdan.organisations.selectors import authorisation_in_force


def minutes_readers_only(user, item) -> str | None:
    """Nghị định 154/2026, Điều 26: the minutes of a matter are for those who took part in it.

    The Board, the Chairman and the province's inspectors (the role table); the session's chair
    and named minute-taker; a deputy while authorised by the Chairman; and the agencies the
    Chairman invited for this very matter (they send a leader and a note-taker, Art. 26), not
    for the other matters of the same session.
    """
    if item is None:
        return None
    session = item.session
    if user.pk in (session.chair_id, session.minute_taker_id):
        return None
    if user.role == Role.PROVINCE_DEPUTY and authorisation_in_force(user, timezone.localdate()) is None:
        return "Chỉ người chủ trì phiên, hoặc Phó Chủ tịch trong thời gian được Chủ tịch ủy quyền, được xem biên bản này."
    if user.role == Role.DEPARTMENT_OFFICER:
        own = user.organisation.path
        if not any(own.startswith(a.path) for a in item.matter.agencies_required.all()):
            return "Cơ quan của bạn không được mời dự vụ việc này nên không xem được biên bản."
    return None


policy.register_check("live.read_minutes", minutes_readers_only)
