"""Every figure of a month built through the services: kỳ, lượt, lượt công dân, đoàn; shares; scopes."""
from __future__ import annotations

import pytest

from tiepdan.reports import rules, selectors, wording

pytestmark = pytest.mark.django_db

NOVEMBER = rules.month_period(2026, 11)


def _figures(official, username, scope_key=None, period=NOVEMBER):
    user = official(username)
    scope = selectors.resolve_scope(user, scope_key)
    return selectors.statistics_for(user, scope=scope, period=period)


def test_the_month_counts_sessions_visits_citizens_and_delegations(month, official):
    stats = _figures(official, "bantcd")
    assert stats.sessions["held"] == 2 and stats.sessions["periodic"] == 1 and stats.sessions["ad_hoc"] == 1
    assert stats.sessions["cancelled"] == 1  # counted on its own line, never as a kỳ
    t = stats.totals
    assert (t.sessions, t.visits, t.citizens, t.delegations, t.delegation_citizens, t.delegation_members) == (2, 7, 9, 1, 3, 12)


def test_the_chairmans_own_reception_is_counted_apart_from_the_deputys(month, official):
    stats = _figures(official, "bantcd")
    assert stats.sessions["chairman"] == 1 and stats.sessions["deputy"] == 1
    own, deputy = stats.line("chairman", "periodic"), stats.line("deputy", "ad_hoc")
    assert (own.sessions, own.visits, own.citizens, own.delegations, own.delegation_citizens) == (1, 5, 7, 1, 3)
    assert (deputy.sessions, deputy.visits, deputy.citizens, deputy.delegations) == (1, 2, 2, 0)
    sentence = wording.reception_paragraph(stats.as_dict())
    assert sentence == ("Trong tháng, Chủ tịch UBND tỉnh tiếp định kỳ 01 kỳ / 05 lượt / 07 lượt công dân (tiếp 01 lượt đoàn đông người / 03 lượt công dân); "
                        "Phó Chủ tịch UBND tỉnh được Chủ tịch ủy quyền tiếp đột xuất 01 kỳ / 02 lượt / 02 lượt công dân.")


def test_shares_by_locality_add_up_to_one_hundred_with_a_decimal_comma(month, official):
    stats = _figures(official, "bantcd")
    localities = {r.label: (r.count, r.citizens, r.share) for r in stats.by_locality}
    a, b = (c.unit.name for c in month.communes)
    assert localities == {a: (5, 5, "55,6%"), b: (2, 4, "44,4%")}
    # 4/7 and three 1/7: rounded one by one they print 57,1 + 3 × 14,3 = 100,0 only thanks to the largest remainder
    kinds = {r.key: (r.count, r.share) for r in stats.by_kind}
    assert kinds == {"complaint": (4, "57,1%"), "denunciation": (1, "14,3%"), "recommendation": (1, "14,3%"), "reflection": (1, "14,3%")}
    assert sum(float(r.share.rstrip("%").replace(",", ".")) for r in stats.by_kind) == pytest.approx(100.0)
    assert f"{a} 05 lượt công dân, chiếm 55,6%; {b} 04 lượt công dân, chiếm 44,4%" in wording.localities_paragraph(stats.as_dict())


def test_registrations_proposals_and_declines_of_the_month(month, official):
    r = _figures(official, "bantcd").registrations
    assert (r["matters"], r["petitions"], r["delegations"], r["people"]) == (8, 8, 1, 19)
    assert r["proposed"] == 7 and r["declined"] == 1 and r["declined_by_board"] == 1 and r["declined_by_chair"] == 0
    stats = _figures(official, "bantcd")
    assert [(d.label, d.count) for d in stats.declined] == [("Nội dung đã được giải quyết đúng thẩm quyền", 1)]


def test_a_commune_sees_only_its_own_citizens(month, official):
    stats = _figures(official, "canboxa")  # the demo commune officer works for commune A
    assert stats.scope["label"] == month.communes[0].name
    assert (stats.totals.visits, stats.totals.citizens, stats.totals.delegations) == (5, 5, 0)
    assert [r.label for r in stats.by_locality] == [month.communes[0].unit.name]
    assert stats.registrations["matters"] == 5
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.resolve_scope(official("canboxa"), str(month.communes[1].pk))
    with pytest.raises(Http404):
        selectors.resolve_scope(official("canboxa"), "all")


def test_an_inspector_sees_the_province_and_each_of_its_communes(month, official, demo):
    stats = _figures(official, "thanhtra")
    assert stats.scope["label"] == demo["committee"].name and stats.totals.citizens == 9
    commune_b = _figures(official, "thanhtra", str(month.communes[1].pk))
    assert (commune_b.totals.visits, commune_b.totals.citizens, commune_b.totals.delegations) == (2, 4, 1)


def test_another_province_sees_nothing_of_this_one(month, official, other_province, make_official):
    from django.http import Http404

    from tiepdan.core.roles import Role

    stranger = make_official(Role.BOARD_OFFICER, other_province["board"])
    with pytest.raises(Http404):
        selectors.resolve_scope(stranger, str(month.communes[0].pk))
    own = selectors.statistics_for(stranger, scope=selectors.resolve_scope(stranger, None), period=NOVEMBER)
    assert own.totals.visits == 0 and own.registrations["matters"] == 0


def test_central_sees_every_province(month, official):
    stats = _figures(official, "trunguong")
    assert stats.scope["kind"] == "country" and stats.totals.citizens == 9


def test_december_and_a_quarter_count_their_own_days(month, official):
    december = _figures(official, "bantcd", period=rules.month_period(2026, 12))
    assert december.totals.visits == 0 and december.sessions["held"] == 0
    quarter = _figures(official, "bantcd", period=rules.quarter_period(2026, 4))
    assert quarter.totals.citizens == 9 and quarter.period["label"] == "quý IV năm 2026"


def test_the_figures_take_a_few_queries_whatever_the_number_of_rows(month, official, django_assert_max_num_queries):
    user = official("bantcd")
    scope = selectors.resolve_scope(user, None)
    with django_assert_max_num_queries(12):
        selectors.statistics_for(user, scope=scope, period=NOVEMBER)


def test_outcomes_count_what_the_issued_notice_says_and_the_tasks_it_gave(month, official, clock):
    import datetime as dt

    from tiepdan.outcomes import services as outcomes

    board, chairman = official("bantcd"), official("chutich")
    clock.set(dt.date(2026, 11, 25))
    notice = outcomes.draft_notice(session=month.periodic, by=board)
    items = list(notice.items.order_by("position"))
    for n, item in enumerate(items):
        outcomes.save_item(by=board, item=item, conclusion=f"Kết luận số {n}", answered_at_once=n < 2, time_limit="10 ngày làm việc", contact_person="Bà Lương Thị Hạnh, Sở NN&MT")
    outcomes.add_directive(by=board, item=items[2], agency=official("sonnmt").organisation, content="Kiểm tra hồ sơ, trả lời công dân.", working_days=10)
    outcomes.submit(by=board, notice=notice)
    outcomes.approve(by=chairman, notice=notice)
    outcomes.issue(by=board, notice=notice)
    o = _figures(official, "bantcd").outcomes
    assert (o["answered_at_once"], o["directed"], o["tasks_done"], o["tasks_overdue"], o["tasks_open"]) == (2, 1, 0, 0, 1)


def test_the_scope_picker_is_read_once_then_follows_a_renamed_commune(month, official, django_assert_num_queries):
    user = official("bantcd")
    first = selectors.scope_options(user)
    assert first == [(s.key, s.label) for s in selectors.scope_choices(user)] and len(first) > 2
    with django_assert_num_queries(0):
        assert selectors.scope_options(user) == first
    commune = month.communes[0]
    commune.name = "Xã Đổi Tên"
    commune.save()
    assert (str(commune.pk), "Xã Đổi Tên") in selectors.scope_options(user)
