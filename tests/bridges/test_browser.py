"""The readiness test in Chromium with fake camera and microphone, against the real ASGI server on loopback."""
import pytest

from tiepdan.bridges.models import ReadinessTest


@pytest.mark.browser
def test_commune_it_operator_runs_readiness_test_and_result_shows_on_the_list(commune_point, new_page, login, settings, assert_accessible):
    settings.BRIDGES_PROBE_HOST_ADDRESSES = "127.0.0.1"
    page = new_page()
    login(page, "cnttxa")
    page.goto(f"/diem-cau/{commune_point.pk}/")
    assert_accessible(page, "a bridge point")
    page.get_by_role("link", name="Kiểm tra kết nối từ máy này").click()
    assert_accessible(page, "the readiness test, before it starts")
    page.get_by_role("button", name="Bắt đầu kiểm tra").click()
    verdict = page.locator("#verdict")
    verdict.wait_for(state="visible", timeout=45_000)
    shown = verdict.inner_text()
    assert shown.startswith(("Đạt", "Không đạt"))
    assert_accessible(page, "the readiness test's verdict")
    assert page.locator('[data-step="devices"] span').inner_text() == "camera có hình, micro thu được âm thanh"

    test = ReadinessTest.objects.get(point=commune_point)
    assert test.ran_by.username == "cnttxa" and test.verdict == shown
    assert test.camera_ok and test.microphone_ok
    assert test.uplink_kbps and test.uplink_kbps > 0  # counted by the server, not reported by the browser
    assert test.downlink_kbps and test.downlink_kbps > 0
    assert test.rtt_ms is not None and test.rtt_ms < 300
    print(f"\nloopback readiness: up {test.uplink_kbps} kbps, down {test.downlink_kbps} kbps, rtt {test.rtt_ms:.1f} ms, loss {test.packet_loss_pct}, verdict {test.verdict!r}")

    # The stored result shows on the list, under the matching readiness filter.
    page.goto(f"/diem-cau/?readiness={'passed' if test.passed else 'failed'}")
    row = page.locator("tr", has_text=commune_point.name)
    assert_accessible(page, "the points filtered by readiness")
    assert row.locator(".badge", has_text="Đạt" if test.passed else "Không đạt").count() == 1
