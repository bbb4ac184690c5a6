"""Bridge points (điểm cầu), their equipment, readiness tests and the reminders sent about them.

A province keeps one registry of the points its sessions may use: the Central
Citizen Reception Board's point in Hà Nội, the province's own points (the
Board's office, the People's Committee's meeting room, the Inspectorate), the
departments' points and one at every commune hall (Decree 154/2026 Art. 16;
plans 000-004). Each point belongs to a host organisation, which decides who
may see and test it.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from tiepdan.core.policy import LiesWithParent
from tiepdan.core.text import fold


class BridgePointKind(models.TextChoices):
    CENTRAL_BOARD = "central_board", "Ban Tiếp công dân Trung ương"
    PROVINCE = "province", "Cấp tỉnh"
    DEPARTMENT = "department", "Sở, ngành"
    COMMUNE = "commune", "Xã, phường"


class BridgePoint(models.Model):
    """Điểm cầu: a room with a link, a PC, a camera and sound, where people sit during an online session.

    Visible to the host organisation's subtree and to the province that keeps the
    registry (``jurisdiction_lookups``): a commune's people see only their
    commune's point; the province's people see all of the province's points.
    """

    province_committee = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="registered_bridge_points", verbose_name="UBND tỉnh quản lý danh mục")
    name = models.CharField("tên điểm cầu", max_length=200)
    name_folded = models.CharField(max_length=200, db_index=True, editable=False)
    kind = models.CharField("loại", max_length=20, choices=BridgePointKind.choices)
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="bridge_points", verbose_name="cơ quan chủ quản")
    unit = models.ForeignKey("organisations.AdministrativeUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="bridge_points", verbose_name="xã, phường")
    address = models.CharField("địa chỉ", max_length=255, blank=True)
    it_contact = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="bridge_points_in_charge", verbose_name="cán bộ kỹ thuật phụ trách")
    is_central = models.BooleanField("điểm cầu trung tâm của tỉnh", default=False, help_text="Nơi người chủ trì ngồi (Nghị định 154/2026, Điều 16).")
    required_uplink_kbps = models.PositiveIntegerField("tốc độ tải lên yêu cầu (kbps)")
    required_downlink_kbps = models.PositiveIntegerField("tốc độ tải xuống yêu cầu (kbps)")
    is_active = models.BooleanField("đang sử dụng", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    jurisdiction_lookups = ["organisation", "province_committee"]
    jurisdiction_lookup = "organisation"

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = "điểm cầu"
        verbose_name_plural = "điểm cầu"
        constraints = [
            models.UniqueConstraint(fields=["province_committee", "unit"], condition=Q(kind="commune"), name="one_commune_point_per_unit"),
            models.UniqueConstraint(fields=["province_committee"], condition=Q(is_central=True), name="one_central_point_per_province"),
            models.CheckConstraint(condition=~Q(kind="commune") | Q(unit__isnull=False), name="commune_point_has_unit"),
            models.CheckConstraint(condition=Q(required_uplink_kbps__gt=0, required_downlink_kbps__gt=0), name="point_requirement_positive"),
        ]

    def save(self, *args, **kwargs):
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)

    @property
    def jurisdiction_path(self) -> str:
        return self.organisation.path

    @property
    def extra_jurisdiction_paths(self) -> tuple[str, ...]:
        return (self.province_committee.path,)

    def __str__(self) -> str:
        return self.name


class EquipmentKind(models.TextChoices):
    """The kit each point needs (Thanh Hóa plan, Part II.1 and Part IV.1; plan 001 in docs/LEGAL.md)."""

    PC = "pc", "Máy tính (dung lượng lưu trữ lớn)"
    SCREEN = "screen", "Màn hình"
    CAMERA = "camera", "Camera"
    SOUND = "sound", "Hệ thống âm thanh"
    EXTERNAL_STORAGE = "external_storage", "Ổ cứng lưu trữ ngoài"
    UPS = "ups", "Thiết bị lưu điện (UPS)"


class EquipmentState(models.TextChoices):
    UNCHECKED = "unchecked", "Chưa kiểm tra"
    OK = "ok", "Đạt"
    FAULTY = "faulty", "Hỏng, cần sửa"
    MISSING = "missing", "Chưa có"


class EquipmentItem(LiesWithParent, models.Model):
    """One line of a point's equipment checklist, with its state."""

    point = models.ForeignKey(BridgePoint, on_delete=models.CASCADE, related_name="equipment")
    kind = models.CharField("thiết bị", max_length=20, choices=EquipmentKind.choices)
    state = models.CharField("tình trạng", max_length=12, choices=EquipmentState.choices, default=EquipmentState.UNCHECKED)
    note = models.CharField("ghi chú", max_length=255, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    jurisdiction_parent = "point"

    class Meta:
        ordering = ["point", "kind"]
        verbose_name = "thiết bị điểm cầu"
        verbose_name_plural = "thiết bị điểm cầu"
        constraints = [models.UniqueConstraint(fields=["point", "kind"], name="one_item_per_kind_per_point")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.get_state_display()}"


class ReadinessTest(LiesWithParent, models.Model):
    """Kiểm tra kết nối: one run of the readiness test from the point's own browser.

    Uplink is what the server received (bytes over time); downlink, what the
    browser received from the server; round-trip time and loss from WebRTC
    statistics. ``passed`` and ``verdict`` come from ``rules.judge_readiness``.
    """

    point = models.ForeignKey(BridgePoint, on_delete=models.PROTECT, related_name="tests")
    ran_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="readiness_tests")
    ran_at = models.DateTimeField(db_index=True)
    uplink_kbps = models.PositiveIntegerField("tải lên (kbps)", null=True, blank=True)
    downlink_kbps = models.PositiveIntegerField("tải xuống (kbps)", null=True, blank=True)
    rtt_ms = models.FloatField("độ trễ khứ hồi (ms)", null=True, blank=True)
    packet_loss_pct = models.FloatField("tỷ lệ mất gói (%)", null=True, blank=True)
    camera_ok = models.BooleanField("camera hoạt động", default=False)
    microphone_ok = models.BooleanField("micro hoạt động", default=False)
    required_uplink_kbps = models.PositiveIntegerField()
    required_downlink_kbps = models.PositiveIntegerField()
    passed = models.BooleanField("đạt", default=False)
    verdict = models.CharField("kết luận", max_length=500)
    user_agent = models.CharField(max_length=300, blank=True)
    details = models.JSONField(default=dict, blank=True)

    jurisdiction_lookups = ["point__organisation", "point__province_committee"]
    jurisdiction_lookup = "point__organisation"
    jurisdiction_parent = "point"

    class Meta:
        ordering = ["-ran_at"]
        verbose_name = "kiểm tra kết nối"
        verbose_name_plural = "kiểm tra kết nối"
        indexes = [models.Index(fields=["point", "-ran_at"], name="readiness_point_latest")]

    def __str__(self) -> str:
        return f"{self.point}: {self.verdict}"
