"""The law's part of the notice, one test per branch."""
import pytest

from tiepdan.outcomes import rules


def test_a_complex_matter_needs_a_time_limit_and_a_contact_person():
    assert rules.item_gaps(conclusion="Giao Sở kiểm tra", answered_at_once=False, time_limit="", contact_person="") == ["thời hạn giải quyết", "người liên hệ"]
    assert rules.item_gaps(conclusion="Giao Sở kiểm tra", answered_at_once=False, time_limit="30 ngày", contact_person="Bà Hạnh") == []


def test_a_matter_answered_at_once_needs_only_its_conclusion():
    assert rules.item_gaps(conclusion="Đã trả lời", answered_at_once=True, time_limit="", contact_person="") == []
    assert rules.item_gaps(conclusion=" ", answered_at_once=True, time_limit="", contact_person="") == ["kết luận của người chủ trì"]


def test_the_chairman_signs_for_the_committee_and_a_deputy_signs_kt_chairman():
    chairman = rules.signature_for(signer_role="province_chairman", signer_name="Hồ Tiến Thiệu")
    assert chairman.heading_lines == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
    deputy = rules.signature_for(signer_role="province_deputy", signer_name="Đoàn Thu Hà")
    assert deputy.heading_lines == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"] and deputy.signer_name == "Đoàn Thu Hà"
    with pytest.raises(ValueError, match="Chủ tịch"):
        rules.signature_for(signer_role="board_officer", signer_name="Hoàng Văn Bình")


def test_recipients_are_the_agencies_the_communes_the_inspectorate_then_the_archive_each_once():
    assert rules.notice_recipients(agencies=["Sở NN&MT", "Sở NN&MT"], communes=["UBND xã A", "UBND xã A", "UBND xã B"], inspectorate="Thanh tra tỉnh") == [
        "Sở NN&MT", "UBND xã A", "UBND xã B", "Thanh tra tỉnh", "Lưu: VT"]
    assert rules.notice_recipients(agencies=[], communes=[], inspectorate="") == ["Lưu: VT"]


def test_a_matter_answered_at_once_closes_and_one_with_tasks_is_being_settled():
    assert rules.matter_outcome(answered_at_once=True, directives_count=0) == "answered"
    assert rules.matter_outcome(answered_at_once=True, directives_count=1) == "settling"
    assert rules.matter_outcome(answered_at_once=False, directives_count=0) == "settling"
