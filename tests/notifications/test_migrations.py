"""The move of Notification from bridges keeps every row: text, link, read mark, and what point it is about."""
import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


@pytest.mark.django_db(transaction=True)
def test_reminders_stored_by_bridges_survive_the_move_about_their_point(demo):
    executor = MigrationExecutor(connection)
    executor.migrate([("notifications", None)])  # bridges' Notification, as it was before the move
    old = executor.loader.project_state([("bridges", "0001_initial")]).apps
    user = old.get_model("organisations", "User").objects.get(username="cnttxa")
    committee = old.get_model("organisations", "Organisation").objects.get(pk=demo["committee"].pk)
    point = old.get_model("bridges", "BridgePoint").objects.create(province_committee=committee, organisation=committee, kind="province", name="Điểm cầu UBND tỉnh", required_uplink_kbps=5000, required_downlink_kbps=5000)
    read_at = dt.datetime(2026, 12, 14, 9, 30, tzinfo=dt.timezone.utc)
    old_row = old.get_model("bridges", "Notification").objects.create(
        recipient=user, point=point, key="readiness:session-1:1:due", text="Điểm cầu UBND tỉnh cần kiểm tra kết nối.", url="/diem-cau/phien/1/", emailed=True, read_at=read_at)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    from tiepdan.bridges.models import BridgePoint
    from tiepdan.notifications.models import Notification

    row = Notification.objects.get(pk=old_row.pk)
    assert (row.recipient.username, row.key, row.body, row.link, row.emailed, row.read_at) == (
        "cnttxa", "readiness:session-1:1:due", "Điểm cầu UBND tỉnh cần kiểm tra kết nối.", "/diem-cau/phien/1/", True, read_at)
    assert row.subject == "Nhắc kiểm tra kết nối điểm cầu" and row.about == BridgePoint.objects.get(pk=point.pk)
    assert Notification._meta.db_table == "notifications_notification"
