"""A commune's list walks to the Board, comes back for completion, goes again, and the Chairman approves: real pages in Chromium."""
import pytest

from tiepdan.intake.models import CommuneBatch, Matter, MatterState


@pytest.mark.browser
def test_commune_batch_to_board_back_for_completion_and_to_chairmans_approval(demo, new_page, login, assert_accessible):
    commune = login(new_page(), "canboxa")
    commune.goto("/vu-viec/danh-sach-xa/")
    _fill_citizen(commune, name="Hoàng Văn Páo", id_number="020058004711", born="1958-04-02", address="Thôn Nà Lầu")
    commune.get_by_label("Loại vụ việc").select_option("complaint")
    commune.get_by_label("Lĩnh vực").select_option("land")
    commune.get_by_label("Tóm tắt nội dung").fill("Khiếu nại quyết định thu hồi đất làm đường tránh, giá bồi thường thấp.")
    commune.get_by_label("Công dân đồng ý được tiếp trực tuyến").check()
    commune.get_by_role("button", name="Thêm vào danh sách").click()
    assert commune.get_by_text("Đã ghi nhận hộ Hoàng Văn Páo vào danh sách.").is_visible()
    assert_accessible(commune, "commune's list with a household")
    commune.get_by_role("button", name="Gửi danh sách lên Ban Tiếp công dân tỉnh").click()
    assert commune.get_by_text("Đã gửi danh sách lên Ban Tiếp công dân tỉnh.").is_visible()
    matter = Matter.objects.get(citizen__id_number="020058004711")

    board = login(new_page(), "bantcd")
    board.goto("/vu-viec/danh-sach-xa/")
    assert_accessible(board, "the Board's incoming lists")
    board.get_by_label("Lý do trả lại để xã bổ sung").fill("Thiếu bản chụp quyết định thu hồi đất")
    board.get_by_role("button", name="Trả lại danh sách").click()
    assert board.get_by_text("Không có danh sách nào đang chờ Ban xử lý.").is_visible()

    commune.goto("/vu-viec/danh-sach-xa/")
    assert "Thiếu bản chụp quyết định thu hồi đất" in commune.locator("#returned-reason").inner_text()
    assert_accessible(commune, "a returned list")
    commune.get_by_label("Giấy tờ bổ sung").fill("Quyết định thu hồi đất; 2; bản chụp")
    commune.get_by_role("button", name="Lưu bổ sung").click()
    commune.get_by_role("button", name="Gửi lại danh sách").click()
    assert commune.get_by_text("Đã gửi danh sách lên Ban Tiếp công dân tỉnh.").is_visible()
    assert CommuneBatch.objects.get().state == CommuneBatch.State.SUBMITTED

    board.goto("/vu-viec/danh-sach-xa/")
    board.get_by_role("link", name=str(matter.pk), exact=True).click()
    board.get_by_label("Loại vụ việc").select_option("complaint")
    board.get_by_label("Cơ quan liên quan").select_option(label="Sở Nông nghiệp và Môi trường tỉnh Lạng Sơn")
    board.get_by_role("button", name="Phân loại").click()
    assert board.get_by_text("Đã phân loại vụ việc.").is_visible()
    board.get_by_label("Căn cứ đề xuất tiếp trực tuyến").select_option("art20_1")
    board.get_by_label("Lý do đề xuất").fill("Cần Sở NN&MT đối thoại trực tiếp với hộ dân từ điểm cầu xã.")
    board.get_by_role("button", name="Đề xuất Chủ tịch UBND tỉnh").click()
    assert board.get_by_text("Đã đề xuất Chủ tịch UBND tỉnh tiếp trực tuyến.").is_visible()
    assert_accessible(board, "a proposed matter")

    chairman = login(new_page(), "chutich")
    chairman.goto("/de-xuat/")
    card = chairman.locator("article", has_text=f"Vụ việc số {matter.pk}")
    assert_accessible(chairman, "the Chairman's proposals")
    assert "Cần Sở NN&MT đối thoại trực tiếp" in card.locator("p", has_text="Ban đề xuất").inner_text()
    assert "Thiếu bản chụp quyết định thu hồi đất" in card.locator("details", has_text="Quá trình xử lý").text_content()  # the history travels with the proposal
    card.get_by_label("Sở Nông nghiệp và Môi trường tỉnh Lạng Sơn").check()
    card.get_by_role("button", name=f"Đồng ý tiếp Vụ việc số {matter.pk}").click()
    assert chairman.get_by_text(f"Đã đồng ý tiếp Vụ việc số {matter.pk}").is_visible()

    matter.refresh_from_db()
    assert matter.state == MatterState.APPROVED
    assert [a.short_name for a in matter.agencies_required.all()] == ["Sở NN&MT"]
    assert list(matter.transitions.values_list("to_state", flat=True)) == ["received", "returned", "received", "classified", "proposed", "approved"]


@pytest.mark.browser
def test_a_commune_imports_its_list_from_excel_refused_whole_then_taken_whole(demo, new_page, login, tmp_path, assert_accessible):
    """Download the template, fill it, upload it with one bad row: the errors are listed by row and column and
    nothing is saved; fix the row: every household is in the commune's list."""
    from .test_household_import import GOOD, filled

    page = login(new_page(), "canboxa")
    page.goto("/vu-viec/danh-sach-xa/")
    page.get_by_role("link", name="Nhập danh sách từ tệp Excel").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải mẫu Excel").click()
    template = download.value.path().read_bytes()
    assert download.value.suggested_filename == "mau-danh-sach-ho-dan.xlsx"

    rows = [list(r) for r in GOOD]
    rows[1][1] = "02016200331"  # row 7 of the sheet: 11 digits
    bad = tmp_path / "danh-sach.xlsx"
    bad.write_bytes(filled(rows, template))
    page.get_by_label("Tệp Excel danh sách hộ dân (.xlsx)").set_input_files(str(bad))
    page.get_by_role("button", name="Nhập danh sách").click()
    problems = page.get_by_role("alert").filter(has_text="Chưa nhập hộ dân nào")
    assert "Dòng 7, cột «Số CCCD»: Số CCCD phải gồm đúng 12 chữ số" in problems.inner_text()
    assert Matter.objects.count() == 0
    assert_accessible(page, "an Excel list refused with its problems")

    rows[1][1] = "020162003311"
    good = tmp_path / "danh-sach-da-sua.xlsx"
    good.write_bytes(filled(rows, template))
    page.get_by_label("Tệp Excel danh sách hộ dân (.xlsx)").set_input_files(str(good))
    page.get_by_role("button", name="Nhập danh sách").click()
    assert page.get_by_text("Đã nhập 3 hộ dân từ tệp Excel vào danh sách.").is_visible()
    for name in ("Hoàng Văn Páo", "Lý Thị Mỷ", "Nông Văn Sình"):
        assert page.get_by_role("cell", name=name, exact=True).is_visible()
    assert CommuneBatch.objects.get().matters.count() == 3
    assert_accessible(page, "the commune's list after an import, with the representatives' rows")


@pytest.mark.browser
def test_a_delegation_is_registered_with_its_representatives_on_the_page(demo, new_page, login, assert_accessible):
    board = login(new_page(), "bantcd")
    board.goto("/vu-viec/dang-ky/")
    _fill_citizen(board, name="Lộc Văn Thắng", id_number="020068123456", born="1968-05-01", address="Thôn Nà Pàn")
    board.get_by_label("Xã, phường nơi cư trú").select_option(index=1)
    board.get_by_label("Loại vụ việc").select_option("complaint")
    board.get_by_label("Tóm tắt nội dung").fill("Mười hai hộ khiếu nại việc thu hồi đất làm đường tránh, giá bồi thường thấp.")
    board.get_by_label("Số người cùng nội dung").fill("12")
    for n, (name, number) in enumerate([("Hà Thị Mai", "020172000101"), ("Vi Văn Sơn", "020065000102")], start=2):
        board.get_by_label(f"Người đại diện thứ {n}, họ tên").fill(name)
        board.get_by_label(f"Người đại diện thứ {n}, số CCCD").fill(number)
        board.get_by_label(f"Người đại diện thứ {n}, địa chỉ").fill("Thôn Nà Pàn")
        board.get_by_label(f"Người đại diện thứ {n}, ngày ký biên bản").fill("2026-11-02")
    assert_accessible(board, "the registration form with the representatives' rows")
    board.get_by_role("button", name="Tiếp nhận").click()
    assert board.get_by_text("3 người đại diện (dự phiên tiếp chiếm 3 chỗ)").is_visible()
    assert board.locator("#representatives li").count() == 3
    assert Matter.objects.get().representatives_count == 3


def _fill_citizen(page, *, name: str, id_number: str, born: str, address: str) -> None:
    """The citizen's part of the registration form, as a person types it."""
    page.get_by_label("Họ và tên").fill(name)
    page.get_by_label("Số CCCD (12 chữ số)").fill(id_number)
    page.get_by_label("Ngày sinh").fill(born)
    page.get_by_label("Địa chỉ (thôn, bản, số nhà)").fill(address)
