"""The agenda: registration order, the day's capacity, carry-over with a notice, seats per point, reordering with a reason."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tiepdan.core.models import AuditEntry
from tiepdan.core.roles import Role
from tiepdan.organisations.models import AdministrativeUnit
from tiepdan.scheduling import agenda, services
from tiepdan.scheduling.models import ChangeNotice, ParticipantKind, PointRole, SessionStatus
from tiepdan.scheduling.rules import VN_TZ

pytestmark = pytest.mark.django_db


@pytest.fixture
def units_of_lang_son(demo):
    return list(AdministrativeUnit.objects.filter(parent=demo["committee"].unit).order_by("code")[:4])


def _registered(day, n):
    return dt.datetime(2026, 11, day, 8, 0, tzinfo=VN_TZ) + dt.timedelta(minutes=7 * n)


def test_a_month_of_28_registrations_fills_15_and_carries_13_in_registration_order(sessions, approved_matter, units_of_lang_son, official):
    home, *others = units_of_lang_son
    matters = []
    for n in range(28):
        # 60% from one commune (17 of 28), the rest spread over three others, interleaved in time.
        commune = home if n % 5 in (0, 1, 3) else others[n % 3]
        matters.append(approved_matter(commune, _registered(3, n)))
    assert sum(1 for m in matters if m.commune == home) == 17
    session, following = sessions[1], sessions[2]  # 15 Dec, 15 Jan
    result = agenda.fill_agenda(by=official("bantcd"), session=session)
    assert [i.matter for i in agenda.agenda_of(session)] == matters[:15]
    assert [i.position for i in agenda.agenda_of(session)] == list(range(1, 16))
    assert result.carried_to == following
    assert [i.matter for i in agenda.agenda_of(following)] == matters[15:]
    assert all(i.carried_from == session for i in agenda.agenda_of(following))
    notices = ChangeNotice.objects.filter(session=session, matter__isnull=False)
    assert notices.count() == 13
    first = notices.get(matter=matters[15])
    assert "15/01/2027" in first.summary and first.recipients[0]["email"] == matters[15].citizen.email
    # Each citizen sits at their commune's point, with the commune chairman invited there.
    communes = {p.organisation.unit_id for p in session.points.filter(role=PointRole.COMPONENT)}
    assert communes == {m.commune_id for m in matters[:15]}
    assert session.points.filter(participants__kind=ParticipantKind.CITIZEN).distinct().count() == len(communes)
    # Filling again places nothing twice.
    again = agenda.fill_agenda(by=official("bantcd"), session=session)
    assert again.placed == [] and again.carried == []


def test_a_delegation_counts_by_its_representatives(sessions, approved_matter, units_of_lang_son, official):
    home = units_of_lang_son[0]
    singles = [approved_matter(home, _registered(3, n)) for n in range(13)]
    delegation = approved_matter(home, _registered(3, 20), members=12, representatives=3, name="Đoàn 12 hộ Pác Mòng")
    assert delegation.representatives_count == 3
    late = approved_matter(home, _registered(3, 30))
    result = agenda.fill_agenda(by=official("bantcd"), session=sessions[1])
    assert [i.matter for i in result.placed] == singles  # the delegation does not fit in the 2 places left
    assert [i.matter for i in result.carried] == [delegation, late]  # and nobody overtakes it


def test_required_agencies_are_invited_and_in_person_citizens_sit_at_the_central_point(sessions, approved_matter, units_of_lang_son, official, demo):
    approved_matter(units_of_lang_son[0], _registered(3, 1), wants_online=False, agencies=[demo["Sở NN&MT"]], name="Lò Văn Tèo")
    session = sessions[1]
    agenda.fill_agenda(by=official("bantcd"), session=session)
    session.refresh_from_db()
    assert session.in_person_only  # nobody on the agenda agreed to online reception
    central = session.points.get(role=PointRole.CENTRAL)
    assert central.participants.filter(kind=ParticipantKind.CITIZEN, name="Lò Văn Tèo").exists()
    agency = session.points.get(organisation=demo["Sở NN&MT"])
    assert agency.participants.get().user == official("sonnmt")


def test_an_online_citizen_makes_the_session_online(sessions, approved_matter, units_of_lang_son, official):
    approved_matter(units_of_lang_son[0], _registered(3, 1), wants_online=False)
    approved_matter(units_of_lang_son[1], _registered(3, 2), wants_online=True)
    agenda.fill_agenda(by=official("bantcd"), session=sessions[1])
    sessions[1].refresh_from_db()
    assert not sessions[1].in_person_only


def test_reordering_needs_a_reason_and_is_audited(sessions, approved_matter, units_of_lang_son, official):
    matters = [approved_matter(units_of_lang_son[0], _registered(3, n)) for n in range(4)]
    session = sessions[1]
    agenda.fill_agenda(by=official("bantcd"), session=session)
    last = session.agenda_items.get(matter=matters[3])
    with pytest.raises(ValidationError) as err:
        agenda.reorder(by=official("bantcd"), item=last, new_position=1, reason="  ")
    assert "lý do" in str(err.value)
    assert [i.matter for i in agenda.agenda_of(session)] == matters
    agenda.reorder(by=official("bantcd"), item=last, new_position=1, reason="Ưu tiên đoàn đông người, vụ việc kéo dài")
    assert [i.matter for i in agenda.agenda_of(session)] == [matters[3], *matters[:3]]
    assert [i.position for i in agenda.agenda_of(session)] == [1, 2, 3, 4]
    entry = AuditEntry.objects.get(action="scheduling.agenda.reorder")
    assert entry.reason == "Ưu tiên đoàn đông người, vụ việc kéo dài" and entry.changes["position"] == [4, 1]


def test_reordering_is_refused_outside_the_board_and_the_province(sessions, approved_matter, units_of_lang_son, official, other_province, make_official):
    approved_matter(units_of_lang_son[0], _registered(3, 1))
    approved_matter(units_of_lang_son[0], _registered(3, 2))
    agenda.fill_agenda(by=official("bantcd"), session=sessions[1])
    item = sessions[1].agenda_items.last()
    for user in (official("chutichxa"), make_official(Role.BOARD_OFFICER, other_province["board"])):
        with pytest.raises(PermissionDenied):
            agenda.reorder(by=user, item=item, new_position=1, reason="Ưu tiên")
    with pytest.raises(PermissionDenied):
        agenda.fill_agenda(by=make_official(Role.BOARD_OFFICER, other_province["board"]), session=sessions[1])


def test_the_agenda_is_fixed_once_invitations_are_out(sessions, official):
    services.transition(by=official("bantcd"), session=sessions[1], to=SessionStatus.INVITATIONS_SENT)
    with pytest.raises(ValidationError):
        agenda.fill_agenda(by=official("bantcd"), session=sessions[1])


def test_scheduled_matters_leave_the_queue_and_come_back_when_the_session_is_cancelled(sessions, approved_matter, units_of_lang_son, official, demo):
    from tiepdan.triage.selectors import matters_awaiting_schedule

    matter = approved_matter(units_of_lang_son[0], _registered(3, 1))
    agenda.fill_agenda(by=official("bantcd"), session=sessions[1])
    assert matter not in matters_awaiting_schedule(demo["committee"])
    services.cancel_session(by=official("bantcd"), session=sessions[1], reason="Bão lũ")
    assert matter in matters_awaiting_schedule(demo["committee"])


def test_31_approved_fill_15_then_carry_15_to_the_next_session_and_1_to_the_one_after(sessions, approved_matter, units_of_lang_son, official, client):
    matters = [approved_matter(units_of_lang_son[n % 4], _registered(3, n)) for n in range(31)]
    session, following = sessions[1], sessions[2]  # 15 Dec, 15 Jan; February's session does not exist yet
    result = agenda.fill_agenda(by=official("bantcd"), session=session)
    after = result.carried_to_sessions[-1]
    assert result.carried_to_sessions == [following, after] and after.date > following.date and after.date.month == 2
    assert [i.matter for i in agenda.agenda_of(session)] == matters[:15]
    assert [i.matter for i in agenda.agenda_of(following)] == matters[15:30]
    assert [i.matter for i in agenda.agenda_of(after)] == matters[30:]
    for s in (session, following, after):
        assert sum(i.seats for i in agenda.agenda_of(s)) <= s.capacity_seats  # never past the day's capacity
    # The last citizen is told the session that will receive them, not the full one.
    notice = ChangeNotice.objects.get(session=session, matter=matters[30])
    assert f"{after.date:%d/%m/%Y}" in notice.summary
    # The Board sees each carried matter's expected session on the session page.
    client.force_login(official("bantcd"))
    page = client.get(f"/lich-tiep/{session.pk}/").content.decode()
    assert page.count(f"Dự kiến phiên tiếp: {following.date:%d/%m/%Y}") == 15
    assert page.count(f"Dự kiến phiên tiếp: {after.date:%d/%m/%Y}") == 1
    # Filling the next session later keeps it within its capacity too: its 15 seats are taken.
    later = approved_matter(units_of_lang_son[0], _registered(20, 1))
    again = agenda.fill_agenda(by=official("bantcd"), session=following)
    assert again.placed == [] and [i.matter for i in again.carried] == [later]
    assert [i.matter for i in agenda.agenda_of(after)] == [matters[30], later]
