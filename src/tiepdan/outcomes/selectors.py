"""Read-side queries of outcomes shared by its pages, panels and jobs."""
from __future__ import annotations

from django.db.models import QuerySet

from tiepdan.documents.models import IssuedDocument

from .models import ConclusionNotice, NoticeState

N = NoticeState

# The notice list's sections (the Board's view of its work): drafts to finish, awaiting approval, issued.
LIST_GROUPS = [
    ("Dự thảo, bị trả lại để sửa", (N.DRAFT, N.RETURNED)),
    ("Chờ duyệt, chờ ban hành", (N.SUBMITTED, N.APPROVED)),
    ("Đã ban hành", (N.ISSUED,)),
]


def notices() -> QuerySet[ConclusionNotice]:
    return ConclusionNotice.objects.select_related("session__province_committee__unit", "session__chair", "session__minute_taker", "owner", "approver", "document")


def documents_of(notice: ConclusionNotice) -> list[IssuedDocument]:
    """The notice, then each matter's letter to its citizen and its minutes, as issued."""
    if notice.document_id is None:
        return []
    ids = [notice.document_id]
    for item in notice.items.all():
        ids += [i for i in (item.extract_id, item.minutes_document_id) if i]
    by_id = IssuedDocument.objects.in_bulk(ids)
    return [by_id[i] for i in ids if i in by_id]


def notice_for_session(session) -> ConclusionNotice | None:
    return notices().filter(session=session).first()


def notice_items_of_matter(matter):
    return matter.notice_items.select_related("notice__document", "extract", "minutes_document").order_by("-notice__created_at")


def stuck(now) -> QuerySet[ConclusionNotice]:
    """Notices waiting past their deadline (draft, submitted, returned, approved)."""
    return notices().filter(state__in=[N.DRAFT, N.SUBMITTED, N.RETURNED, N.APPROVED], due_at__lt=now)


