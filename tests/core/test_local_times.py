"""Times are read in Asia/Ho_Chi_Minh everywhere, whatever zone a moment was stored in (UTC in the database)."""
import datetime as dt

from tiepdan.core import audit
from tiepdan.documents.official import format_time
from tiepdan.live.models import RoomEvent

SEVEN_OH_THREE_UTC = dt.datetime(2026, 12, 1, 7, 3, 5, tzinfo=dt.timezone.utc)


def test_a_document_writes_a_stored_moment_in_the_provinces_time():
    assert format_time(SEVEN_OH_THREE_UTC) == "14 giờ 03"
    assert format_time(dt.time(14, 3)) == "14 giờ 03"


def test_a_room_event_and_an_audit_entry_name_their_time_in_the_provinces_time(db):
    assert str(RoomEvent(at=SEVEN_OH_THREE_UTC, kind="joined")).startswith("14:03:05 ")
    entry = audit.record(actor=None, action="test.time")
    entry.at = SEVEN_OH_THREE_UTC
    assert " 01/12/2026 14:03 " in str(entry)
