"""The back office in Chromium: axe-core finds no serious or critical problem on the pages each role uses;
a failed form is announced and focused; the focus ring shows on the red top bar."""
import pytest

pytestmark = pytest.mark.browser

ROLE_PAGES = {
    "bantcd": ["/", "/vu-viec/", "/vu-viec/dang-ky/", "/vu-viec/lien-he/", "/vu-viec/qua-han/", "/vu-viec/so-tiep-cong-dan/", "/de-xuat/",
               "/lich-tiep/", "/lich-tiep/dot-xuat/", "/lich-tiep/cau-hinh/", "/lich-tiep/lich-cua-don-vi/", "/diem-cau/", "/diem-cau/thong-bao/",
               "/phong-truc-tuyen/", "/van-ban/", "/co-quan/", "/khong-co-trang-nay/"],
    "canboxa": ["/vu-viec/danh-sach-xa/"],
    "chutich": ["/de-xuat/", "/uy-quyen/"],
    "quantri": ["/can-bo/", "/can-bo/them/", "/nhat-ky/"],
}


def _contrast(a, b):
    def lum(rgb):
        def lin(c):
            c /= 255
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
        r, g, b_ = (lin(c) for c in rgb)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b_
    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _rgb(css):
    return tuple(int(float(x)) for x in css[css.index("(") + 1:css.index(")")].split(",")[:3])


def test_each_roles_pages_have_no_serious_accessibility_problem(demo, board_matter, sessions, commune_point, new_page, login, assert_accessible):
    matter = board_matter()
    page = new_page()
    page.goto("/dang-nhap/")
    assert_accessible(page, "sign-in")
    page.get_by_label("Tên đăng nhập").fill("bantcd")
    page.get_by_label("Mật khẩu").fill("sai-mat-khau")
    page.get_by_role("button", name="Đăng nhập").click()
    assert_accessible(page, "sign-in refused")
    extra = {"bantcd": [f"/vu-viec/{matter.pk}/", f"/lich-tiep/{sessions[0].pk}/", f"/diem-cau/{commune_point.pk}/", f"/diem-cau/{commune_point.pk}/kiem-tra/"]}
    for username, urls in ROLE_PAGES.items():
        page = login(new_page(), username)
        for url in urls + extra.get(username, []):
            page.goto(url)
            assert_accessible(page, f"{username} {url}")


def test_a_failed_registration_is_announced_focused_and_links_to_each_field(demo, new_page, login, assert_accessible):
    page = login(new_page(), "bantcd")
    page.goto("/vu-viec/dang-ky/")
    page.get_by_role("button", name="Tiếp nhận").click()
    summary = page.get_by_role("alert").filter(has_text="Chưa lưu được")
    summary.wait_for()
    assert page.evaluate("() => document.activeElement.matches('[data-error-summary]')"), "focus did not move to the error summary"
    assert_accessible(page, "failed registration")
    summary.get_by_role("link", name="Họ và tên").click()
    assert page.evaluate("() => document.activeElement.id") == "id_full_name"
    assert page.get_by_label("Họ và tên").get_attribute("aria-invalid") == "true"


def test_the_focus_ring_is_visible_on_the_red_top_bar(demo, new_page, login):
    page = login(new_page(), "bantcd")
    page.goto("/")
    brand = page.locator("header .brand")
    for _ in range(6):  # from the top of the page, as a keyboard user would: skip link, then the bar
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.matches('header .brand')"):
            break
    assert page.evaluate("() => document.activeElement.matches('header .brand')"), "the brand link is not reached by Tab"
    ring = brand.evaluate("(el) => { const s = getComputedStyle(el); return {style: s.outlineStyle, width: parseFloat(s.outlineWidth), color: s.outlineColor}; }")
    bar = page.locator("header.topbar").evaluate("(el) => getComputedStyle(el).backgroundColor")
    assert ring["style"] != "none" and ring["width"] >= 2, ring
    assert _contrast(_rgb(ring["color"]), _rgb(bar)) >= 3, (ring, bar)  # WCAG 2.1 1.4.11, non-text contrast


def test_htmx_search_works_under_the_content_security_policy(demo, board_matter, new_page, login, assert_accessible):
    """htmx swaps the rows in place with no inline script, style or eval (a refusal fails the test in new_page)."""
    board_matter()
    page = login(new_page(), "bantcd")
    page.goto("/vu-viec/")
    page.get_by_role("searchbox").first.fill("không có ai tên này")
    page.locator("#matter-rows", has_text="Không có vụ việc phù hợp").wait_for()
    assert "q=" in page.url  # hx-push-url
    assert_accessible(page, "a search with no result, swapped in by htmx")
