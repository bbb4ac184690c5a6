import pytest


@pytest.mark.browser
def test_board_officer_signs_in_and_sees_their_home_page(demo, new_page, login):
    page = login(new_page(), "bantcd")
    assert page.get_by_role("heading", name="Xin chào, Hoàng Văn Bình").is_visible()
    assert page.get_by_text("Cán bộ Ban Tiếp công dân · Ban Tiếp công dân tỉnh Lạng Sơn").is_visible()
    assert page.get_by_text("Tài khoản trình diễn").is_visible()
