"""A signed-in official comes back with his organisation: the pages do not ask the database for it again."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_the_official_is_read_back_with_his_organisation_and_its_parent(official, django_assert_num_queries):
    from tiepdan.organisations.backends import OfficialBackend

    board = official("bantcd")  # the Board serves the province committee, its parent: the scope of what it sees
    province = board.organisation.parent
    with django_assert_num_queries(1):
        user = OfficialBackend().get_user(board.pk)
        assert user.organisation.scope_root.pk == province.pk


def test_the_statistics_page_asks_for_no_organisation_of_the_officials_own(official):
    """The page works out the scope from the official's organisation and its parent: both came with him."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(official("bantcd"))
    assert client.get("/bao-cao/thong-ke/").status_code == 200  # the first view fills the scope picker's cache
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/bao-cao/thong-ke/").status_code == 200
    alone = [q["sql"] for q in captured.captured_queries if q["sql"].startswith('SELECT "organisations_organisation"')]
    assert alone == []


def test_an_inactive_official_is_not_signed_in_any_more(official):
    from tiepdan.organisations.backends import OfficialBackend

    board = official("bantcd")
    board.is_active = False
    board.save(update_fields=["is_active"])
    assert OfficialBackend().get_user(board.pk) is None
    assert OfficialBackend().get_user(10**9) is None


def test_a_page_reads_the_session_from_the_cache_and_a_sign_out_ends_it_everywhere(official):
    """Sessions are read through the cache (``cached_db``): no statement for the session, and once the official
    signs out, a copy of his cookie (another tab, a stolen one) opens nothing."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(official("bantcd"))
    copy = Client()
    copy.cookies = client.cookies.__class__(client.cookies)
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/bao-cao/thong-ke/").status_code == 200
    assert not [q for q in captured.captured_queries if "django_session" in q["sql"]]
    assert copy.get("/bao-cao/thong-ke/").status_code == 200
    client.post("/dang-xuat/")
    answer = copy.get("/bao-cao/thong-ke/")
    assert answer.status_code == 302 and "/dang-nhap" in answer["Location"]
