"""Two notices issued at the same moment take two numbers of the register (run it on PostgreSQL too)."""
from __future__ import annotations

import threading

import pytest
from django.db import connection

from tiepdan.documents.models import IssuedDocument
from tiepdan.outcomes import services


@pytest.mark.django_db(transaction=True)
def test_two_notices_issued_at_once_get_two_numbers(closed_session, official):
    board, chairman = official("bantcd"), official("chutich")
    notices = []
    for _ in range(2):
        notice = services.draft_notice(session=closed_session(minutes=[{"citizen_presentation": "Hỏi chính sách", "conclusion": "Đã trả lời", "answered_at_once": True}]))
        services.submit(by=board, notice=notice)
        services.approve(by=chairman, notice=notice)
        notices.append(notice)
    start, numbers, errors = threading.Barrier(2, timeout=30), [], []

    def issue(notice):
        try:
            start.wait()
            numbers.append(services.issue(by=board, notice=notice).document.sequence)
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(n,)) for n in notices]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors and len(numbers) == 2 and len(set(numbers)) == 2
    # Each issue also registers its citizen's letter (a notice, TB) and minutes (BB): one sequence, no gap, no repeat.
    assert sorted(IssuedDocument.objects.filter(symbol="TB-UBND").values_list("sequence", flat=True)) == [1, 2, 3, 4]
