"""Reception sessions (phiên tiếp công dân), their agenda, who sits at which bridge point, and the notices about them."""
from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from . import rules


class ReceptionSettings(models.Model):
    """Cấu hình tiếp công dân định kỳ of one province: the day, the online slot, the day's capacity, the deadlines.

    Defaults are Lạng Sơn's (plan 004 §3.2): the 15th, 14:00-17:00, up to 15 citizens.
    The test hour defaults to Hưng Yên's 15:00 (plan 003), the only plan that fixes one.
    """

    province_committee = models.OneToOneField("organisations.Organisation", on_delete=models.PROTECT, related_name="reception_settings", verbose_name="UBND tỉnh")
    day_of_month = models.PositiveSmallIntegerField("ngày tiếp định kỳ trong tháng", default=15, validators=[MinValueValidator(1), MaxValueValidator(31)])
    online_starts = models.TimeField("giờ bắt đầu tiếp trực tuyến", default=dt.time(14, 0))
    online_ends = models.TimeField("giờ kết thúc tiếp trực tuyến", default=dt.time(17, 0))
    capacity_seats = models.PositiveSmallIntegerField("số công dân tối đa mỗi ngày", default=15, validators=[MinValueValidator(1)])
    test_deadline_hour = models.PositiveSmallIntegerField("giờ hạn kiểm tra kết nối (ngày làm việc trước)", default=15, validators=[MaxValueValidator(23)])
    notice_working_days = models.PositiveSmallIntegerField("số ngày làm việc gửi thông báo trước", default=rules.NOTICE_MIN_WORKING_DAYS, validators=[MinValueValidator(rules.NOTICE_MIN_WORKING_DAYS)])
    months_ahead = models.PositiveSmallIntegerField("số tháng lập lịch trước", default=3, validators=[MinValueValidator(1), MaxValueValidator(12)])
    location = models.CharField("địa điểm tiếp (điểm cầu trung tâm)", max_length=255, default="Trụ sở Ban Tiếp công dân tỉnh")
    central_point = models.ForeignKey("bridges.BridgePoint", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="điểm cầu trung tâm", help_text="Để trống: điểm cầu được đánh dấu là trung tâm trong danh mục điểm cầu.")
    # The province's own plan: the pages cite it, never another province's (each province sets its own).
    plan_reference = models.CharField("kế hoạch, đề án của tỉnh", max_length=300, blank=True, help_text="Tên, số hiệu văn bản của tỉnh về tiếp công dân trực tuyến, ví dụ: Đề án ... ban hành kèm theo Quyết định số .../QĐ-UBND ngày ...")
    plan_bridge_requirement = models.CharField("yêu cầu của kế hoạch đối với điểm cầu", max_length=500, blank=True, help_text="Điều, mục của kế hoạch nói về điểm cầu và nội dung yêu cầu, ví dụ: mục II.1.2.b: ...")

    jurisdiction_lookup = "province_committee"

    class Meta:
        verbose_name = "cấu hình lịch tiếp công dân"
        verbose_name_plural = "cấu hình lịch tiếp công dân"
        constraints = [
            models.CheckConstraint(condition=Q(day_of_month__gte=1, day_of_month__lte=31), name="settings_day_of_month_valid"),
            models.CheckConstraint(condition=Q(online_ends__gt=models.F("online_starts")), name="settings_window_ordered"),
            models.CheckConstraint(condition=Q(notice_working_days__gte=rules.NOTICE_MIN_WORKING_DAYS), name="settings_notice_not_below_decree"),
            models.CheckConstraint(condition=Q(capacity_seats__gte=1), name="settings_capacity_positive"),
        ]

    @property
    def jurisdiction_path(self) -> str:
        return self.province_committee.path

    def __str__(self) -> str:
        return f"Lịch tiếp công dân của {self.province_committee}"


class SessionKind(models.TextChoices):
    PERIODIC = "periodic", "Định kỳ"
    AD_HOC = "ad_hoc", "Đột xuất"


class AdHocReason(models.TextChoices):
    """Luật Tiếp công dân 2013, Điều 18(3): when the Chairman receives outside the periodic day."""

    URGENT_COMPLEX = "urgent_complex", "Vụ việc gay gắt, phức tạp, có nhiều người tham gia, liên quan trách nhiệm nhiều cơ quan hoặc còn ý kiến khác nhau (Điều 18(3)(a))"
    SERIOUS_HARM = "serious_harm", "Nếu không chỉ đạo kịp thời có thể gây hậu quả nghiêm trọng, thiệt hại tài sản, tính mạng hoặc ảnh hưởng an ninh, trật tự (Điều 18(3)(b))"


class SessionStatus(models.TextChoices):
    PLANNED = "planned", "Đã lên lịch"
    INVITATIONS_SENT = "invitations_sent", "Đã gửi giấy mời, thông báo"
    READY = "ready", "Sẵn sàng"
    LIVE = "live", "Đang diễn ra"
    CLOSED = "closed", "Đã kết thúc"
    CANCELLED = "cancelled", "Đã hủy"


class ReceptionSession(models.Model):
    """Phiên tiếp công dân: one day the Chairman (or an authorised deputy) receives citizens, periodic or ad hoc.

    ``chair`` records who actually chairs (docs/LEGAL.md, Law Art. 12(5) and plan 002 §II.3: who chairs); ``minute_taker`` is the
    named person the Board assigns to take the minutes (Decree 154/2026 Art. 26).
    """

    province_committee = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="reception_sessions", verbose_name="UBND tỉnh")
    kind = models.CharField("loại phiên", max_length=10, choices=SessionKind.choices)
    ad_hoc_reason = models.CharField("căn cứ tiếp đột xuất", max_length=20, choices=AdHocReason.choices, blank=True)
    ad_hoc_note = models.TextField("nêu rõ lý do", blank=True)
    date = models.DateField("ngày tiếp", db_index=True)
    # The month a periodic session serves: 30 Apr 2026 moves to 4 May, still April's reception.
    period_month = models.DateField("tháng của phiên định kỳ", null=True, blank=True)
    online_starts_at = models.DateTimeField("bắt đầu")
    online_ends_at = models.DateTimeField("kết thúc")
    location = models.CharField("địa điểm (điểm cầu trung tâm)", max_length=255)
    central_point = models.ForeignKey("bridges.BridgePoint", null=True, blank=True, on_delete=models.PROTECT, related_name="central_of_sessions", verbose_name="điểm cầu trung tâm")
    status = models.CharField("trạng thái", max_length=20, choices=SessionStatus.choices, default=SessionStatus.PLANNED, db_index=True)
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="sessions_chaired", verbose_name="người chủ trì")
    minute_taker = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="sessions_minuted", verbose_name="người ghi biên bản")
    in_person_only = models.BooleanField("chỉ tiếp trực tiếp", default=False, help_text="Không có công dân nào đăng ký tiếp trực tuyến (Lạng Sơn, Đề án §3.2.b).")
    capacity_seats = models.PositiveSmallIntegerField("số công dân tối đa", validators=[MinValueValidator(1)])
    cancel_reason = models.TextField("lý do hủy", blank=True)
    invitations_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    jurisdiction_lookups = ["province_committee", "points__organisation"]
    jurisdiction_lookup = "province_committee"

    class Meta:
        ordering = ["date", "online_starts_at"]
        verbose_name = "phiên tiếp công dân"
        verbose_name_plural = "phiên tiếp công dân"
        constraints = [
            models.CheckConstraint(condition=Q(online_ends_at__gt=models.F("online_starts_at")), name="session_window_ordered"),
            models.CheckConstraint(condition=Q(kind="periodic", ad_hoc_reason="") | (Q(kind="ad_hoc") & ~Q(ad_hoc_reason="")), name="session_ad_hoc_has_reason"),
            models.CheckConstraint(condition=~Q(status="cancelled") | ~Q(cancel_reason=""), name="session_cancel_has_reason"),
            models.CheckConstraint(condition=Q(kind="periodic", period_month__isnull=False) | Q(kind="ad_hoc", period_month__isnull=True), name="session_periodic_has_month"),
            models.UniqueConstraint(fields=["province_committee", "period_month"], condition=Q(kind="periodic") & ~Q(status="cancelled"), name="one_periodic_session_per_month"),
        ]

    @property
    def jurisdiction_path(self) -> str:
        return self.province_committee.path

    @property
    def extra_jurisdiction_paths(self) -> tuple[str, ...]:
        return tuple(self.points.values_list("organisation__path", flat=True))

    @property
    def is_open(self) -> bool:
        return self.status not in (SessionStatus.CLOSED, SessionStatus.CANCELLED)

    def __str__(self) -> str:
        return f"Phiên tiếp {self.get_kind_display().lower()} ngày {self.date:%d/%m/%Y}"


class PointRole(models.TextChoices):
    CENTRAL = "central", "Điểm cầu trung tâm"
    COMPONENT = "component", "Điểm cầu thành phần"
    OBSERVER = "observer", "Theo dõi"


class SessionPoint(models.Model):
    """A bridge point taking part in a session and the organisation that sits there (Đồng Tháp plan §II.3; Decree 154 Art. 22).

    ``organisation`` is known as soon as an agency or commune is invited; ``bridge_point``
    is the room it connects from.
    """

    session = models.ForeignKey(ReceptionSession, on_delete=models.CASCADE, related_name="points")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="session_points", verbose_name="cơ quan, đơn vị")
    role = models.CharField("vai trò", max_length=10, choices=PointRole.choices)
    bridge_point = models.ForeignKey("bridges.BridgePoint", null=True, blank=True, on_delete=models.PROTECT, related_name="session_points", verbose_name="điểm cầu")

    jurisdiction_lookup = "session__province_committee"

    class Meta:
        ordering = ["session", "role", "organisation__name"]
        verbose_name = "điểm cầu tham gia phiên"
        verbose_name_plural = "điểm cầu tham gia phiên"
        constraints = [
            models.UniqueConstraint(fields=["session", "organisation"], name="one_point_per_organisation_per_session"),
            models.UniqueConstraint(fields=["session"], condition=Q(role="central"), name="one_central_point_per_session"),
        ]

    @property
    def jurisdiction_path(self) -> str:
        return self.session.province_committee.path

    @property
    def display_name(self) -> str:
        """The point as a letter names it: the bridge point's own name ("Điểm cầu Xã Na Dương"), which
        already says it is a point, else "Điểm cầu" and the organisation sitting there."""
        if self.bridge_point_id:
            return self.bridge_point.name
        return f"Điểm cầu {self.organisation}"

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()})"


class ParticipantKind(models.TextChoices):
    CHAIR = "chair", "Người chủ trì"
    BOARD = "board", "Ban Tiếp công dân tỉnh (cơ quan tham mưu)"
    MINUTE_TAKER = "minute_taker", "Người ghi biên bản"
    AGENCY_LEADER = "agency_leader", "Lãnh đạo sở, ngành được mời"
    CENTRAL_BOARD = "central_board", "Ban Tiếp công dân Trung ương"
    COMMUNE_CHAIRMAN = "commune_chairman", "Chủ tịch UBND xã"
    CITIZEN = "citizen", "Công dân / người đại diện"


class Participant(models.Model):
    """Someone who sits at a session point: an official (``user``) or a citizen (by name)."""

    point = models.ForeignKey(SessionPoint, on_delete=models.CASCADE, related_name="participants")
    kind = models.CharField("tư cách", max_length=20, choices=ParticipantKind.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="session_seats")
    name = models.CharField("họ và tên", max_length=150, blank=True)
    email = models.EmailField(blank=True)
    matter = models.ForeignKey("intake.Matter", null=True, blank=True, on_delete=models.PROTECT, related_name="session_seats", help_text="Công dân dự phiên vì vụ việc này.")

    class Meta:
        ordering = ["point", "kind", "name"]
        verbose_name = "người tham gia"
        verbose_name_plural = "người tham gia"
        constraints = [models.CheckConstraint(condition=Q(user__isnull=False) | ~Q(name=""), name="participant_named")]

    @property
    def display_name(self) -> str:
        return str(self.user) if self.user_id else self.name

    @property
    def addressee(self) -> str:
        """How a letter addresses this person ("Kính mời ..."), naming their organisation once.

        A citizen by name; a named official with their position and organisation; a seat kept for an
        organisation's leader ("Lãnh đạo Ủy ban nhân dân Xã Na Dương") already names the organisation.
        """
        if self.kind == ParticipantKind.CITIZEN:
            return f"Ông (bà) {self.name}"
        if self.user_id:
            position = self.user.position or self.user.get_role_display()
            return f"Ông (bà) {self.user.full_name or self.user.username}, {position}, {self.point.organisation}"
        return self.name

    def __str__(self) -> str:
        return f"{self.display_name} ({self.get_kind_display()})"


class AgendaItem(models.Model):
    """One approved matter on a session's agenda, in order; ``bridge_point`` is the citizen's commune hall point.

    Placed in registration order within the day's capacity; the Board may move an item,
    with a reason (audited). ``carried_from`` names the session that had no room for it.
    """

    session = models.ForeignKey(ReceptionSession, on_delete=models.CASCADE, related_name="agenda_items")
    matter = models.ForeignKey("intake.Matter", on_delete=models.PROTECT, related_name="agenda_items")
    position = models.PositiveSmallIntegerField("thứ tự")
    seats = models.PositiveSmallIntegerField("số chỗ (công dân, người đại diện)", default=1)
    bridge_point = models.ForeignKey("bridges.BridgePoint", null=True, blank=True, on_delete=models.PROTECT, related_name="agenda_items", verbose_name="điểm cầu của công dân")
    reorder_reason = models.TextField("lý do thay đổi thứ tự", blank=True)
    carried_from = models.ForeignKey(ReceptionSession, null=True, blank=True, on_delete=models.SET_NULL, related_name="carried_out_items", verbose_name="chuyển từ phiên")
    added_at = models.DateTimeField(auto_now_add=True)

    jurisdiction_lookup = "session__province_committee"

    class Meta:
        ordering = ["session", "position"]
        verbose_name = "vụ việc trong chương trình phiên"
        verbose_name_plural = "chương trình phiên"
        constraints = [
            models.UniqueConstraint(fields=["session", "matter"], name="matter_once_per_session"),
            models.UniqueConstraint(fields=["session", "position"], name="one_item_per_position"),
            models.CheckConstraint(condition=Q(seats__gte=1), name="agenda_item_takes_a_seat"),
        ]

    @property
    def jurisdiction_path(self) -> str:
        return self.session.province_committee.path

    @property
    def extra_jurisdiction_paths(self) -> tuple[str, ...]:
        """The agencies invited for this matter, and the minute-taker's office, reach it too (they read its minutes)."""
        paths = [a.path for a in self.matter.agencies_required.all()]
        if self.session.minute_taker_id and self.session.minute_taker.organisation_id:
            paths.append(self.session.minute_taker.organisation.path)
        return tuple(paths)

    def __str__(self) -> str:
        return f"{self.position}. {self.matter}"


class ChangeNotice(models.Model):
    """Thông báo thay đổi: a session's time, place or status changed; everyone affected is told (Đồng Tháp plan §III)."""

    session = models.ForeignKey(ReceptionSession, on_delete=models.CASCADE, related_name="change_notices")
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    summary = models.CharField("nội dung thay đổi", max_length=500)
    reason = models.TextField("lý do")
    changes = models.JSONField(default=dict)
    recipients = models.JSONField("người nhận", default=list)
    emails_sent = models.PositiveIntegerField(default=0)
    matter = models.ForeignKey("intake.Matter", null=True, blank=True, on_delete=models.PROTECT, related_name="schedule_notices", help_text="Thông báo cho riêng công dân của vụ việc này (chuyển sang phiên sau).")
    document = models.ForeignKey("documents.IssuedDocument", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    jurisdiction_lookup = "session__province_committee"

    class Meta:
        ordering = ["-at"]
        verbose_name = "thông báo thay đổi"
        verbose_name_plural = "thông báo thay đổi"

    @property
    def jurisdiction_path(self) -> str:
        return self.session.province_committee.path

    def __str__(self) -> str:
        return self.summary


def _new_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """The secret address of an organisation's iCalendar feed: calendar apps cannot log in, so the token is the key."""

    organisation = models.OneToOneField("organisations.Organisation", on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=_new_token)
    created_at = models.DateTimeField(auto_now_add=True)
    rotated_at = models.DateTimeField(null=True, blank=True)

    jurisdiction_lookup = "organisation"

    class Meta:
        verbose_name = "lịch iCalendar của đơn vị"
        verbose_name_plural = "lịch iCalendar của đơn vị"

    @property
    def jurisdiction_path(self) -> str:
        return self.organisation.path

    def __str__(self) -> str:
        return f"Lịch của {self.organisation}"
