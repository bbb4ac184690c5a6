import pytest

from tiepdan.triage import rules
from tiepdan.triage.rules import Ground, MatterFacts

LS = "20"


def facts(**kw):
    base = dict(kind="complaint", wants_online=True)
    base.update(kw)
    return MatterFacts(**base)


def test_protected_denunciation_is_never_received_online():
    f = facts(kind="denunciation", identity_protected=True)
    assert "không được tiếp trực tuyến" in rules.never_online(f)
    assert rules.applicable_grounds(f, LS) == []
    assert "Điều 20 khoản 4" in rules.proposal_problem(f, Ground.ART20_OTHER, LS)


def test_unprotected_denunciation_may_go_on_article_20_4():
    f = facts(kind="denunciation")
    assert rules.proposal_problem(f, Ground.ART20_DENUNCIATION, LS) is None
    assert Ground.ART20_DENUNCIATION in rules.applicable_grounds(f, LS)


def test_article_20_4_is_only_for_denunciations():
    assert "chỉ áp dụng cho tố cáo" in rules.proposal_problem(facts(), Ground.ART20_DENUNCIATION, LS)


def test_no_consent_no_online_reception():
    assert "chưa đồng ý" in rules.proposal_problem(facts(wants_online=False), Ground.ART20_COMPLEX, LS)


def test_plan_list_is_province_configuration():
    assert Ground.PLAN_CENTRAL_OPINION in rules.grounds_for_province("20")
    assert Ground.PLAN_CENTRAL_OPINION not in rules.grounds_for_province("24")
    assert "không có trong" in rules.proposal_problem(facts(), Ground.PLAN_CENTRAL_OPINION, "24")
    assert Ground.PLAN_DENUNCIATION in rules.grounds_for_province("87")  # unconfigured → the default (Đồng Tháp's) list


def test_pm_directed_ground_needs_the_direction():
    assert "Thủ tướng" in rules.proposal_problem(facts(), Ground.PLAN_PM_DIRECTED, LS)
    assert rules.proposal_problem(facts(pm_directed=True), Ground.PLAN_PM_DIRECTED, LS) is None


def test_settled_in_force_ground_needs_both():
    assert rules.proposal_problem(facts(already_settled=True), Ground.PLAN_SETTLED_IN_FORCE, LS)
    assert rules.proposal_problem(facts(already_settled=True, decision_in_force=True), Ground.PLAN_SETTLED_IN_FORCE, LS) is None


def test_delegation_grounds_need_a_delegation_and_the_right_history():
    assert "đoàn đông người" in rules.proposal_problem(facts(), Ground.PLAN_DELEGATION_UNSETTLED, LS)
    assert rules.proposal_problem(facts(is_delegation=True), Ground.PLAN_DELEGATION_UNSETTLED, LS) is None
    assert rules.proposal_problem(facts(is_delegation=True, already_settled=True), Ground.PLAN_DELEGATION_UNSETTLED, LS)
    assert rules.proposal_problem(facts(is_delegation=True, already_settled=True), Ground.PLAN_DELEGATION_SETTLED, LS) is None
    assert rules.proposal_problem(facts(is_delegation=True), Ground.PLAN_DELEGATION_SETTLED, LS)


def test_many_agencies_ground_needs_two_agencies():
    assert rules.proposal_problem(facts(agencies_count=1), Ground.PLAN_MANY_AGENCIES, LS)
    assert rules.proposal_problem(facts(agencies_count=2), Ground.PLAN_MANY_AGENCIES, LS) is None


def test_plan_denunciation_ground_needs_chairmans_competence():
    assert "thẩm quyền" in rules.proposal_problem(facts(kind="denunciation", within_competence=False), Ground.PLAN_DENUNCIATION, "87")
    assert rules.proposal_problem(facts(kind="denunciation"), Ground.PLAN_DENUNCIATION, "87") is None


@pytest.mark.parametrize("ground", [Ground.ART20_COMPLEX, Ground.ART20_REMOTE, Ground.ART20_EMERGENCY, Ground.ART20_OTHER, Ground.ART18_URGENT, Ground.PLAN_HEAD_DEEMS])
def test_judgment_grounds_are_open_to_any_consenting_matter(ground):
    assert rules.proposal_problem(facts(), ground, LS) is None


# --- A settled matter repeated (Law 2013 Art. 9(3); Decree 154/2026 Art. 4(1)(h), 4(3)) ---------------
def test_a_complaint_counts_as_settled_only_with_its_decision_in_force():
    assert rules.settled_and_answered(kind="complaint", already_settled=True, decision_in_force=True)
    assert not rules.settled_and_answered(kind="complaint", already_settled=True, decision_in_force=False)
    assert not rules.settled_and_answered(kind="denunciation", already_settled=False, decision_in_force=False)


def test_a_recommendation_counts_as_settled_once_answered():
    assert rules.settled_and_answered(kind="recommendation", already_settled=True, decision_in_force=False)
    assert not rules.settled_and_answered(kind="reflection", already_settled=False, decision_in_force=False)


def test_a_repeat_of_a_settled_complaint_with_nothing_new_is_refused_under_article_9_3():
    f = facts(repeats_settled_matter=True)
    grounds = rules.settled_repeat(f)
    assert grounds.legal_basis.startswith("khoản 3 Điều 9 Luật Tiếp công dân năm 2013")
    assert "Điều 9 khoản 3" in grounds.message and "Mẫu 01/TCD" in grounds.message and "3 ngày làm việc" in grounds.message
    assert rules.applicable_grounds(f, LS) == []
    assert rules.proposal_problem(f, Ground.ART20_COMPLEX, LS) == grounds.message


def test_a_repeated_recommendation_with_nothing_new_is_refused_under_point_h():
    grounds = rules.settled_repeat(facts(kind="recommendation", repeats_settled_matter=True))
    assert grounds.legal_basis.startswith("điểm h khoản 1 và khoản 3 Điều 4 Nghị định số 154/2026")
    assert "Điều 4 khoản 1 điểm h" in grounds.message


def test_a_repeat_with_something_new_may_be_proposed():
    f = facts(repeats_settled_matter=True, repeat_brings_new=True)
    assert rules.settled_repeat(f) is None
    assert rules.proposal_problem(f, Ground.ART20_COMPLEX, LS) is None


def test_a_repeat_of_an_unsettled_matter_may_be_proposed():
    assert rules.settled_repeat(facts(repeats_settled_matter=False)) is None
    assert Ground.ART20_COMPLEX in rules.applicable_grounds(facts(), LS)
