"""The live session room: one room per reception session, its points, join links, events, minutes.

The room's state is an explicit machine; a point's place in the room (waiting in the
lobby, admitted, removed) is another. Both are declared tables in ``live.workflow``
(``ROOM``, ``POINT``, on ``core.statemachine``), applied only by ``live.services``, which
also writes a ``RoomEvent``: the append-only trail the recording and results issues attach to.
"""
from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from tiepdan.core.policy import LiesWithParent


class Backend(models.TextChoices):
    MESH = "mesh", "Kết nối trực tiếp (tối đa 4 điểm cầu)"
    STAR = "star", "Hình sao qua trình duyệt điểm cầu trung tâm"
    JANUS = "janus", "Máy chủ chuyển tiếp (Janus)"


class RoomState(models.TextChoices):
    OPEN = "open", "Đã mở phòng chờ"
    LIVE = "live", "Đang tiếp công dân"
    CLOSED = "closed", "Đã kết thúc"


class PointRole(models.TextChoices):
    CENTRAL = "central", "Điểm cầu trung tâm"
    COMPONENT = "component", "Điểm cầu thành phần"
    OBSERVER = "observer", "Điểm cầu theo dõi"


class PointStatus(models.TextChoices):
    AWAITED = "awaited", "Chưa vào phòng"
    LOBBY = "lobby", "Đang chờ được cho vào"
    ADMITTED = "admitted", "Đã vào phiên"
    REMOVED = "removed", "Đã bị mời ra"


class LiveRoom(models.Model):
    """Phòng họp trực tuyến của một phiên tiếp công dân."""

    session = models.OneToOneField("scheduling.ReceptionSession", on_delete=models.PROTECT, related_name="live_room", verbose_name="phiên tiếp")
    province_committee = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="live_rooms")
    backend = models.CharField("phương thức truyền hình", max_length=10, choices=Backend.choices, default=Backend.MESH)
    state = models.CharField("trạng thái", max_length=10, choices=RoomState.choices, default=RoomState.OPEN)
    spotlight = models.ForeignKey("RoomPoint", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="điểm cầu hiển thị lớn")
    floor = models.ForeignKey("RoomPoint", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="điểm cầu đang được phát biểu")
    current_item = models.ForeignKey("scheduling.AgendaItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="vụ việc đang tiếp")
    matter_started_at = models.DateTimeField(null=True, blank=True)
    matter_allotted_s = models.PositiveIntegerField("thời gian dự kiến cho vụ việc (giây)", default=20 * 60)
    recording = models.BooleanField("đang ghi hình", default=False, help_text="Bật bởi bộ ghi hình (đợt sau); điều khiển dấu hiệu “đang ghi hình” trên mọi điểm cầu.")
    max_bitrate_kbps = models.PositiveIntegerField("trần tốc độ phát mỗi luồng (kbps)", default=1000)
    opened_at = models.DateTimeField(auto_now_add=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    jurisdiction_lookup = "province_committee"

    class Meta:
        verbose_name = "phòng họp trực tuyến"
        verbose_name_plural = "phòng họp trực tuyến"
        constraints = [
            models.CheckConstraint(condition=Q(state="closed") | Q(closed_at__isnull=True), name="live_room_closed_at_only_when_closed"),
        ]

    @property
    def jurisdiction_path(self) -> str:
        return self.province_committee.path

    def central_point(self) -> "RoomPoint | None":
        return self.points.filter(role=PointRole.CENTRAL).first()

    def __str__(self) -> str:
        return f"Phòng trực tuyến: {self.session}"


class RoomPoint(models.Model):
    """A bridge point taking part in a room (from the session's ``SessionPoint``), and its presence."""

    room = models.ForeignKey(LiveRoom, on_delete=models.CASCADE, related_name="points")
    session_point = models.ForeignKey("scheduling.SessionPoint", on_delete=models.PROTECT, related_name="room_points")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+", help_text="Cơ quan chủ quản của điểm cầu: ai được ngồi ở điểm này.")
    name = models.CharField("tên điểm cầu", max_length=200)
    role = models.CharField("vai trò", max_length=10, choices=PointRole.choices)
    status = models.CharField("trạng thái", max_length=10, choices=PointStatus.choices, default=PointStatus.AWAITED)
    participates = models.BooleanField("được phát biểu", default=True, help_text="Điểm cầu Ban Tiếp công dân Trung ương có thể chỉ theo dõi.")
    muted = models.BooleanField("tắt micro", default=True, help_text="Nghị định 154/2026, Điều 21: micro chỉ mở khi được mời phát biểu.")
    connected = models.BooleanField(default=False)
    conn = models.CharField("mã kết nối hiện tại", max_length=40, blank=True)
    channel_name = models.CharField(max_length=200, blank=True)
    reconnects = models.PositiveIntegerField("số lần kết nối lại", default=0)
    quality = models.JSONField("chất lượng kết nối", default=dict, blank=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["room", "pk"]
        verbose_name = "điểm cầu trong phòng"
        verbose_name_plural = "điểm cầu trong phòng"
        constraints = [
            models.UniqueConstraint(fields=["room", "session_point"], name="one_room_point_per_session_point"),
            models.UniqueConstraint(fields=["room"], condition=Q(role="central"), name="one_central_point_per_room"),
        ]

    @property
    def jurisdiction_path(self) -> str:
        return self.organisation.path

    @property
    def extra_jurisdiction_paths(self) -> tuple[str, ...]:
        return (self.room.province_committee.path,)

    def __str__(self) -> str:
        return self.name


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class JoinLink(LiesWithParent, models.Model):
    """Đường dẫn tham gia: a one-time token for one point of one session.

    A commune hall's PC needs no official's password: the link is opened in one
    browser, which is bound to it (``device_hash``) and may open it again until it
    expires or is revoked; no other browser may. Only hashes are stored; the token
    is shown once, when issued.
    """

    point = models.ForeignKey(RoomPoint, on_delete=models.CASCADE, related_name="join_links")
    token_hash = models.CharField(max_length=64, unique=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField("hết hạn")
    used_at = models.DateTimeField("đã dùng lúc", null=True, blank=True)
    revoked_at = models.DateTimeField("thu hồi lúc", null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # The browser that redeemed the link: the hash of its device cookie. That browser may open the
    # link again while it is valid (a reload, a crash); any other browser is still refused.
    device_hash = models.CharField(max_length=64, blank=True)

    jurisdiction_parent = "point"

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = "đường dẫn tham gia"
        verbose_name_plural = "đường dẫn tham gia"

    def refusal(self, now) -> str | None:
        """Why this link cannot be used now, in Vietnamese, or None."""
        if self.revoked_at is not None:
            return "Đường dẫn tham gia này đã bị thu hồi. Vui lòng liên hệ Ban Tiếp công dân để được cấp đường dẫn mới."
        if now >= self.expires_at:
            return "Đường dẫn tham gia này đã hết hạn. Vui lòng liên hệ Ban Tiếp công dân để được cấp đường dẫn mới."
        if self.point.room.state == RoomState.CLOSED:
            return "Phiên tiếp công dân này đã kết thúc."
        return None

    def __str__(self) -> str:
        return f"Đường dẫn cho {self.point}"


class DeviceRole(models.TextChoices):
    """What one browser at a point is for (a central hall runs several PCs at once)."""

    MEDIA = "media", "Thiết bị truyền hình ảnh, âm thanh"
    CONSOLE = "console", "Bàn điều hành"
    MINUTES = "minutes", "Máy ghi biên bản"
    OBSERVER = "observer", "Theo dõi (không truyền hình ảnh)"


class RoomDevice(LiesWithParent, models.Model):
    """One browser connected at a point: its role, who sits at it, since when.

    Only the device holding ``media`` publishes the point's camera and microphone and
    takes part in the media path; its connection is the point's (``RoomPoint.conn``,
    ``channel_name``), which the media code and the other points read. A second device
    asking for the media waits as an observer until the chair grants it. Rows stay after
    the browser leaves (``left_at``): the trail of who sat where.
    """

    point = models.ForeignKey(RoomPoint, on_delete=models.CASCADE, related_name="devices")
    conn = models.CharField("mã kết nối", max_length=40, unique=True)
    channel_name = models.CharField(max_length=200, blank=True)
    device_hash = models.CharField(max_length=64, blank=True, help_text="Băm của mã thiết bị trong cookie của trình duyệt: tải lại trang thì thay đúng thiết bị đó.")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    link = models.ForeignKey(JoinLink, null=True, blank=True, on_delete=models.PROTECT, related_name="devices")
    role = models.CharField("vai trò", max_length=10, choices=DeviceRole.choices)
    media = models.BooleanField("đang truyền hình ảnh của điểm cầu", default=False)
    media_requested_at = models.DateTimeField("đề nghị truyền hình ảnh lúc", null=True, blank=True)
    connected_at = models.DateTimeField("vào lúc")
    left_at = models.DateTimeField("rời lúc", null=True, blank=True)

    jurisdiction_parent = "point"

    class Meta:
        ordering = ["point", "connected_at", "pk"]
        verbose_name = "thiết bị tại điểm cầu"
        verbose_name_plural = "thiết bị tại điểm cầu"
        constraints = [
            models.UniqueConstraint(fields=["point"], condition=Q(media=True, left_at__isnull=True), name="one_media_device_per_point"),
            models.CheckConstraint(condition=Q(media=False) | Q(role__in=["media", "console"]), name="only_media_or_console_devices_publish"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} tại {self.point}"


class EventKind(models.TextChoices):
    OPENED = "opened", "Mở phòng"
    STARTED = "started", "Bắt đầu phiên"
    CLOSED = "closed", "Kết thúc phiên"
    JOINED = "joined", "Vào phòng chờ"
    RECONNECTED = "reconnected", "Kết nối lại"
    LEFT = "left", "Rời phòng"
    ADMITTED = "admitted", "Được cho vào phiên"
    REMOVED = "removed", "Bị mời ra"
    LET_BACK = "let_back", "Được cho trở lại phòng chờ"
    MUTED = "muted", "Tắt micro"
    UNMUTED = "unmuted", "Mở micro"
    FLOOR_GIVEN = "floor_given", "Mời phát biểu"
    SPOTLIGHT = "spotlight", "Hiển thị lớn"
    MATTER_STARTED = "matter_started", "Bắt đầu tiếp vụ việc"
    MATTER_CLOSED = "matter_closed", "Kết thúc vụ việc"
    BACKEND_SWITCHED = "backend_switched", "Đổi phương thức truyền hình"
    SCREEN_SHARED = "screen_shared", "Chia sẻ màn hình"
    RECORDING = "recording", "Ghi hình"
    DEVICE_JOINED = "device_joined", "Thiết bị vào điểm cầu"
    DEVICE_LEFT = "device_left", "Thiết bị rời điểm cầu"
    MEDIA_REQUESTED = "media_requested", "Đề nghị truyền hình ảnh của điểm cầu"
    MEDIA_GRANTED = "media_granted", "Cho phép thiết bị truyền hình ảnh"
    MEDIA_DENIED = "media_denied", "Không cho thiết bị truyền hình ảnh"


class RoomEvent(models.Model):
    """What happened in the room, when, to which point, by whom. Append-only."""

    room = models.ForeignKey(LiveRoom, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(db_index=True)
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    point = models.ForeignKey(RoomPoint, null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    agenda_item = models.ForeignKey("scheduling.AgendaItem", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = "sự kiện phòng họp"
        verbose_name_plural = "sự kiện phòng họp"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("Sự kiện phòng họp chỉ được ghi thêm, không được sửa.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Sự kiện phòng họp chỉ được ghi thêm, không được xóa.")

    def __str__(self) -> str:
        return f"{timezone.localtime(self.at):%H:%M:%S} {self.get_kind_display()}"


class MatterMinutes(models.Model):
    """Biên bản tiếp cho một vụ việc trong phiên (Nghị định 154/2026, Điều 25(3), 26).

    Saved as typed (``version`` counts saves), so closing the browser loses nothing;
    a save based on an older version is refused rather than overwriting.
    """

    room = models.ForeignKey(LiveRoom, on_delete=models.PROTECT, related_name="minutes")
    agenda_item = models.OneToOneField("scheduling.AgendaItem", on_delete=models.PROTECT, related_name="minutes")
    citizen_presentation = models.TextField("nội dung công dân trình bày", blank=True)
    agencies_opinions = models.TextField("ý kiến của các cơ quan", blank=True)
    conclusion = models.TextField("kết luận của người chủ trì", blank=True)
    answered_at_once = models.BooleanField("đã trả lời ngay tại buổi tiếp", default=False)
    settlement_time_limit = models.CharField("thời hạn giải quyết", max_length=200, blank=True, help_text="Điều 25(3): vụ việc phức tạp thì nêu rõ thời hạn giải quyết.")
    contact_person = models.CharField("người liên hệ", max_length=200, blank=True, help_text="Điều 25(3): người được giao liên hệ với công dân.")
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    FIELDS = ("citizen_presentation", "agencies_opinions", "conclusion", "answered_at_once", "settlement_time_limit", "contact_person")

    class Meta:
        verbose_name = "biên bản vụ việc"
        verbose_name_plural = "biên bản vụ việc"

    @property
    def jurisdiction_path(self) -> str:
        return self.room.province_committee.path

    def __str__(self) -> str:
        return f"Biên bản: {self.agenda_item}"


# The SFU side of a room (engineer F): its Janus room and the points' grants, defined beside the Janus code.
from .janus.models import JanusGrant, JanusRoom  # noqa: E402,F401
