import pytest


@pytest.mark.browser
def test_board_officer_signs_in_and_sees_their_home_page(demo, new_page, login):
    page = new_page()
    failed = []
    page.on("response", lambda response: response.status >= 400 and failed.append(f"{response.status} {response.url}"))
    login(page, "bantcd")
    assert page.get_by_role("heading", name="Xin chào, Hoàng Văn Bình").is_visible()
    assert page.get_by_text("Cán bộ Ban Tiếp công dân · Ban Tiếp công dân tỉnh Lạng Sơn").is_visible()
    assert page.get_by_text("Tài khoản trình diễn").is_visible()
    # Nothing the pages ask for is missing: not a script, a style, nor the tab's icon.
    assert page.evaluate("document.querySelector('link[rel=icon]').href").endswith("favicon.svg")
    assert failed == []
