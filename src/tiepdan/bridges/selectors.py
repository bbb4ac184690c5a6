"""Read-side queries about bridge points that several callers share (lists, sessions, the live room)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet, Subquery

from tiepdan.core import policy
from tiepdan.core.text import fold

from .models import BridgePoint, BridgePointKind, EquipmentItem, EquipmentState, ReadinessTest


class Readiness:
    """The three answers the list's "readiness" filter offers."""

    PASSED = "passed"
    FAILED = "failed"
    UNTESTED = "untested"
    CHOICES = [(PASSED, "Lần kiểm tra gần nhất đạt"), (FAILED, "Lần kiểm tra gần nhất không đạt"), (UNTESTED, "Chưa kiểm tra")]


def with_status(queryset: QuerySet[BridgePoint]) -> QuerySet[BridgePoint]:
    """Annotate each point with its last test (time, passed) and whether its equipment is incomplete, in one query."""
    latest = ReadinessTest.objects.filter(point=OuterRef("pk")).order_by("-ran_at", "-pk")
    return queryset.annotate(
        last_test_at=Subquery(latest.values("ran_at")[:1]),
        last_test_passed=Subquery(latest.values("passed")[:1]),
        last_test_verdict=Subquery(latest.values("verdict")[:1]),
        equipment_incomplete=Exists(EquipmentItem.objects.filter(point=OuterRef("pk")).exclude(state=EquipmentState.OK)),
    )


def visible_points(user) -> QuerySet[BridgePoint]:
    return policy.visible(user, "bridges.view", BridgePoint.objects.select_related("organisation", "unit", "it_contact", "province_committee"))


def filter_points(queryset: QuerySet[BridgePoint], *, q: str = "", kind: str = "", readiness: str = "", equipment_incomplete: bool = False, active_only: bool = True) -> QuerySet[BridgePoint]:
    """The list's filters. ``q`` matches names with or without diacritics ("bac son" finds "Bắc Sơn")."""
    queryset = with_status(queryset)
    if active_only:
        queryset = queryset.filter(is_active=True)
    if q:
        queryset = queryset.filter(name_folded__contains=fold(q))
    if kind:
        queryset = queryset.filter(kind=kind)
    if readiness == Readiness.PASSED:
        queryset = queryset.filter(last_test_passed=True)
    elif readiness == Readiness.FAILED:
        queryset = queryset.filter(last_test_passed=False)
    elif readiness == Readiness.UNTESTED:
        queryset = queryset.filter(last_test_at__isnull=True)
    if equipment_incomplete:
        queryset = queryset.filter(equipment_incomplete=True)
    return queryset


def commune_point_for(unit) -> BridgePoint | None:
    """The active bridge point at this commune's hall, where its citizens sit (plan 004: at the commune hall)."""
    if unit is None:
        return None
    return BridgePoint.objects.filter(kind=BridgePointKind.COMMUNE, unit=unit, is_active=True).select_related("organisation").first()


def central_point_for(province_committee) -> BridgePoint | None:
    """The province's central point (điểm cầu trung tâm), where the chair sits (Decree 154/2026, Art. 16)."""
    return BridgePoint.objects.filter(province_committee=province_committee, is_central=True, is_active=True).first()


def central_board_point_for(province_committee) -> BridgePoint | None:
    """The Central Citizen Reception Board's point in Hà Nội, as registered by this province."""
    return BridgePoint.objects.filter(province_committee=province_committee, kind=BridgePointKind.CENTRAL_BOARD, is_active=True).first()


def last_passed_test(point: BridgePoint, since: dt.datetime | None = None) -> ReadinessTest | None:
    tests = point.tests.filter(passed=True)
    if since is not None:
        tests = tests.filter(ran_at__gte=since)
    return tests.select_related("ran_by").order_by("-ran_at", "-pk").first()


@dataclass(frozen=True)
class PointReadiness:
    point: BridgePoint
    last_test: ReadinessTest | None  # the latest test since ``since``, passed or not
    last_passed: ReadinessTest | None

    @property
    def passed(self) -> bool:
        """The latest test is the truth: a pass followed by a failure means the link is not ready now."""
        return self.last_test is not None and self.last_test.passed

    @property
    def label(self) -> str:
        if self.passed:
            return "Đạt"
        if self.last_test is None:
            return "Chưa kiểm tra"
        return "Không đạt"


def readiness_for(points: Iterable[BridgePoint], since: dt.datetime | None) -> list[PointReadiness]:
    """For each point (in the given order): its latest test since ``since``, whether that one passed, and its latest passed one.

    Two queries whatever the number of points, so a 213-point board stays fast.
    """
    points = list(points)
    tests = ReadinessTest.objects.filter(point__in=points).select_related("ran_by").order_by("point_id", "-ran_at", "-pk")
    if since is not None:
        tests = tests.filter(ran_at__gte=since)
    latest: dict[int, ReadinessTest] = {}
    latest_passed: dict[int, ReadinessTest] = {}
    for test in tests.iterator():
        latest.setdefault(test.point_id, test)
        if test.passed:
            latest_passed.setdefault(test.point_id, test)
    return [PointReadiness(point=p, last_test=latest.get(p.pk), last_passed=latest_passed.get(p.pk)) for p in points]
