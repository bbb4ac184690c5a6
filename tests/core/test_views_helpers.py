"""core.views_helpers.run_and_redirect: the one body of «call the service, say what happened, go back»."""
import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory

from tiepdan.core.views_helpers import run_and_redirect


def _request():
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def _said(request):
    return [(m.level_tag, m.message) for m in get_messages(request)]


def test_success_says_the_views_sentence_built_from_the_result_and_goes_back():
    request = _request()
    response = run_and_redirect(request, lambda: 3, success=lambda n: f"Đã gửi {n} giấy mời.", redirect_to="/lich-tiep/")
    assert response.status_code == 302 and response["Location"] == "/lich-tiep/"
    assert _said(request) == [("success", "Đã gửi 3 giấy mời.")]


def test_a_refusal_shows_the_services_own_words_and_no_success():
    def refuse():
        raise ValidationError({"reason": ["Hãy nêu lý do."], "date": ["Ngày mới đã qua."]})

    request = _request()
    response = run_and_redirect(request, refuse, success="Đã lưu.", redirect_to="/vu-viec/")
    assert response["Location"] == "/vu-viec/"
    assert _said(request) == [("error", "Hãy nêu lý do. Ngày mới đã qua.")]


def test_a_forbidden_action_goes_to_the_403_page_unless_refusals_are_everyday_there():
    def forbidden():
        raise PermissionDenied("Chỉ người chủ trì được mời điểm cầu vào phòng.")

    with pytest.raises(PermissionDenied):
        run_and_redirect(_request(), forbidden, success="Đã mời.", redirect_to="/")
    request = _request()
    run_and_redirect(request, forbidden, success="Đã mời.", redirect_to="/", refusals=True)
    assert _said(request) == [("error", "Chỉ người chủ trì được mời điểm cầu vào phòng.")]
