"""From a closed session to an issued, signed notice, in Chromium: the Board edits the draft per matter (htmx) and
gives an agency a task, the Chairman returns it with a comment, the Board corrects and resubmits, the Chairman
approves, the Board registers and issues it, and the notice is downloaded as DOCX and PDF from its page.

The session is received and closed through the real services (tests/outcomes/conftest.py); its room's closing
drafts the notice (live.hooks.room_closed, on commit: this test's database is transactional).
"""
from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest

from tiepdan.documents.signing import verify_pdf
from tiepdan.outcomes.models import ConclusionNotice, NoticeState

TYPED = "Giao Sở Nông nghiệp và Môi trường chủ trì, phối hợp UBND xã đo đạc lại thửa đất, trả lời công dân bằng văn bản"
CORRECTED = TYPED + "; báo cáo kết quả về Ban Tiếp công dân tỉnh"
COMMENT = "Đề nghị ghi rõ Sở phải báo cáo kết quả về Ban Tiếp công dân tỉnh."


def _save_conclusion(page, item_pk: int, text: str) -> None:
    """Type the matter's conclusion and save it: the matter's section is swapped in place (htmx), no navigation."""
    section = page.locator(f"#item-{item_pk}")
    section.get_by_label("Kết luận của người chủ trì").fill(text)
    page.evaluate("() => { window.notReloaded = true; }")
    with page.expect_response(lambda r: r.url.endswith(f"/ket-qua/muc/{item_pk}/") and r.request.method == "POST") as saved:
        section.get_by_role("button", name="Lưu vụ việc 1").click()
    assert saved.value.request.headers.get("hx-request") == "true" and saved.value.status == 200
    page.locator(f"#item-{item_pk}").get_by_label("Kết luận của người chủ trì").wait_for()
    assert page.locator(f"#item-{item_pk}").get_by_label("Kết luận của người chủ trì").input_value() == text
    assert page.evaluate("() => window.notReloaded === true")  # swapped in place: the page was not reloaded


@pytest.mark.browser
def test_from_a_closed_session_to_an_issued_signed_notice_downloaded_as_docx_and_pdf(test_signer, new_page, login, assert_accessible, closed_session, demo):
    session = closed_session(chair="chutich")
    notice = ConclusionNotice.objects.get(session=session)  # drafted when the room closed
    item = notice.items.get(position=1)

    board = login(new_page(), "bantcd")
    board.goto(f"/lich-tiep/{session.pk}/")
    board.locator("#session-outcomes").get_by_role("link", name=str(notice)).click()
    board.wait_for_url(f"**/ket-qua/{notice.pk}/")
    assert "Dự thảo" in board.locator("#notice-state").inner_text()
    assert board.locator(f"#item-{item.pk}").get_by_label("Kết luận của người chủ trì").input_value() == item.conclusion  # from the minutes
    assert_accessible(board, "the draft notice's editor")

    _save_conclusion(board, item.pk, TYPED)
    item.refresh_from_db()
    assert item.conclusion == TYPED
    section = board.locator(f"#item-{item.pk}")
    section.get_by_label("Cơ quan được giao").select_option(label=demo["Sở NN&MT"].name)
    section.get_by_label("Nội dung giao").fill("Đo đạc lại thửa đất số 112, trả lời công dân")
    section.get_by_label("Thời hạn (ngày làm việc)").fill("12")
    section.get_by_role("button", name="Giao nhiệm vụ").click()
    board.locator(f"#item-{item.pk} .directives").get_by_text("Đo đạc lại thửa đất số 112, trả lời công dân (12 ngày làm việc)").wait_for()
    directive = item.directives.get()
    assert (directive.agency, directive.working_days) == (demo["Sở NN&MT"], 12)
    board.get_by_role("button", name="Trình duyệt").click()
    board.get_by_text("Đã trình dự thảo thông báo kết luận.").wait_for()

    chair = login(new_page(), "chutich")
    chair.goto(f"/ket-qua/{notice.pk}/")
    assert TYPED in chair.locator(f"#item-{item.pk}").inner_text()  # what the Board typed, read only for the Chairman
    chair.get_by_label("Ý kiến khi trả lại").fill(COMMENT)
    chair.get_by_role("button", name="Trả lại để sửa").click()
    chair.get_by_text("Đã trả lại dự thảo kèm ý kiến.").wait_for()

    board.reload()
    assert "Trả lại để sửa" in board.locator("#notice-state").inner_text()
    assert COMMENT in board.locator("#notice-history").inner_text()
    _save_conclusion(board, item.pk, CORRECTED)
    board.get_by_role("button", name="Trình duyệt").click()
    board.get_by_text("Đã trình dự thảo thông báo kết luận.").wait_for()
    assert "dự thảo lần 2" in board.locator("#notice-state").inner_text()

    chair.reload()
    chair.get_by_role("button", name="Duyệt và ký").click()
    chair.get_by_text("Đã duyệt thông báo kết luận").wait_for()

    board.reload()  # approved: the Board (the notice's owner now) registers and issues it
    notice.refresh_from_db()
    assert notice.state == NoticeState.APPROVED and notice.owner.username == "bantcd"
    board.get_by_role("button", name="Vào sổ và ban hành").click()
    board.get_by_text("Đã ban hành Thông báo số").wait_for()
    notice.refresh_from_db()
    assert notice.state == NoticeState.ISSUED and notice.document.signed and notice.approver.username == "chutich"
    assert notice.document.number in board.locator("#notice-state").inner_text()

    row = board.locator("#notice-documents li").first
    assert notice.document.number in row.inner_text()
    with board.expect_download() as got:
        row.get_by_role("link", name="DOCX").click()
    word = docx.Document(io.BytesIO(Path(got.value.path()).read_bytes()))
    text = "\n".join([p.text for p in word.paragraphs] + [c.text for t in word.tables for r in t.rows for c in r.cells])
    assert CORRECTED in text and notice.document.number in text
    with board.expect_download() as got:
        row.get_by_role("link", name="PDF").click()
    pdf = Path(got.value.path()).read_bytes()
    check = verify_pdf(pdf)
    assert check.ok, check.problems
    assert "Ủy ban nhân dân tỉnh Thử Nghiệm" in check.signer
    assert_accessible(board, "the issued notice")
