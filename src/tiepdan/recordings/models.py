"""The archive of a live session (Decree 154/2026 Art. 24): its recording, each point's takes, their slices.

A ``Recording`` is made when the room goes live (``live.hooks.room_started``) and ends when the room
closes. Every point's stream is recorded on its own: one ``Track`` per MediaRecorder run (a "take")
of one point, by its own browser (``own``), by the central browser's copy of what it received
(``relay``) or by the SFU (``server``). A take arrives as numbered ``Slice`` rows of about 2 s, each
written to the store (``recordings.storage``), synced and hashed before it is acknowledged.
Files named by the FileFields live in the same store (``storage.archive_storage``), under its keys.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from tiepdan.core.policy import LiesWithParent

from .storage import archive_storage


class RecordingState(models.TextChoices):
    RECORDING = "recording", "Đang ghi hình"
    FINISHING = "finishing", "Đang hoàn thiện"
    FINISHED = "finished", "Đã hoàn thiện"
    FAILED = "failed", "Lỗi hoàn thiện"


class Recording(models.Model):
    """Bản ghi hình của một phiên tiếp công dân trực tuyến."""

    room = models.OneToOneField("live.LiveRoom", on_delete=models.PROTECT, related_name="recording_archive", verbose_name="phòng họp trực tuyến")
    state = models.CharField("trạng thái", max_length=10, choices=RecordingState.choices, default=RecordingState.RECORDING)
    started_at = models.DateTimeField("bắt đầu ghi lúc")
    ended_at = models.DateTimeField("kết thúc ghi lúc", null=True, blank=True)
    finished_at = models.DateTimeField("hoàn thiện lúc", null=True, blank=True)
    retention_until = models.DateField("lưu trữ đến hết ngày", help_text="Không được xóa trước ngày này (thời hạn lưu trữ của tỉnh, theo pháp luật về lưu trữ).")
    bytes_total = models.BigIntegerField("dung lượng (byte)", default=0)
    manifest = models.FileField("bản kê (manifest)", storage=archive_storage, max_length=300, blank=True)
    manifest_sha256 = models.CharField("SHA-256 của bản kê", max_length=64, blank=True)
    signature = models.FileField("chữ ký số của bản kê (.p7s)", storage=archive_storage, max_length=300, blank=True)
    signed_at = models.DateTimeField("ký số lúc", null=True, blank=True)
    timestamped_at = models.DateTimeField("gắn dấu thời gian lúc", null=True, blank=True)
    composed = models.FileField("tệp ghép các điểm cầu", storage=archive_storage, max_length=300, blank=True)
    problems = models.JSONField("vấn đề phát hiện", default=list, blank=True, help_text="Những câu tiếng Việt: đoạn thiếu, lỗi hoàn thiện…")

    jurisdiction_lookup = "room__province_committee"

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = "bản ghi hình phiên tiếp"
        verbose_name_plural = "bản ghi hình phiên tiếp"
        constraints = [
            models.CheckConstraint(condition=Q(state="recording") | Q(ended_at__isnull=False), name="recording_ended_unless_recording"),
            models.CheckConstraint(condition=Q(bytes_total__gte=0), name="recording_bytes_not_negative"),
        ]

    @property
    def jurisdiction_path(self) -> str:
        return self.room.province_committee.path

    def __str__(self) -> str:
        return f"Bản ghi hình: {self.room.session}"


class TrackSource(models.TextChoices):
    OWN = "own", "Trình duyệt của chính điểm cầu"
    RELAY = "relay", "Bản sao tại điểm cầu trung tâm"
    SERVER = "server", "Máy chủ chuyển tiếp (Janus)"


class Track(models.Model):
    """One take of one point's stream: what one MediaRecorder (or the SFU) produced from start to stop."""

    recording = models.ForeignKey(Recording, on_delete=models.CASCADE, related_name="tracks", verbose_name="bản ghi hình")
    point = models.ForeignKey("live.RoomPoint", on_delete=models.PROTECT, related_name="recording_tracks", verbose_name="điểm cầu")
    source = models.CharField("nguồn ghi", max_length=10, choices=TrackSource.choices)
    take = models.UUIDField("mã lượt ghi", help_text="Do trình duyệt chọn khi bắt đầu một lượt ghi; gửi lại cùng mã thì là cùng lượt.")
    device = models.ForeignKey("live.RoomDevice", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="thiết bị tải lên")
    # Who may upload to the take: the browser (its device cookie's hash, which survives a reload that
    # makes a new RoomDevice row) or the signed-in official. Checked on every slice.
    device_hash = models.CharField("băm mã thiết bị tải lên", max_length=64, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="cán bộ tải lên")
    mime_type = models.CharField("định dạng", max_length=100)
    clock_offset_ms = models.BigIntegerField("chênh lệch đồng hồ máy chủ − trình duyệt (ms)", default=0)
    opened_at = models.DateTimeField("mở lượt ghi lúc", auto_now_add=True)
    started_at = models.DateTimeField("bắt đầu lúc (giờ máy chủ)", null=True, blank=True, help_text="Giờ của đoạn đầu tiên theo đồng hồ trình duyệt, cộng chênh lệch đồng hồ.")
    last_seq = models.IntegerField("số thứ tự đoạn cuối", null=True, blank=True, help_text="Đoạn lớn nhất đã nhận, hoặc trình duyệt báo khi kết thúc nếu lớn hơn.")
    slices_count = models.PositiveIntegerField("số đoạn đã nhận", default=0)
    bytes_total = models.BigIntegerField("dung lượng (byte)", default=0)
    gaps = models.JSONField("các khoảng đoạn thiếu", default=list, blank=True, help_text="Danh sách [từ, đến] các số thứ tự đoạn không nhận được.")
    closed_at = models.DateTimeField("kết thúc lượt ghi lúc", null=True, blank=True)
    file = models.FileField("tệp đã hoàn thiện", storage=archive_storage, max_length=300, blank=True)
    file_sha256 = models.CharField("SHA-256 của tệp", max_length=64, blank=True)
    duration_s = models.FloatField("thời lượng (giây)", null=True, blank=True)

    class Meta:
        ordering = ["recording", "point", "opened_at", "pk"]
        verbose_name = "lượt ghi của điểm cầu"
        verbose_name_plural = "lượt ghi của điểm cầu"
        constraints = [
            models.UniqueConstraint(fields=["recording", "take"], name="recording_take_unique"),
            models.CheckConstraint(condition=Q(source__in=["own", "relay", "server"]), name="track_source_known"),
        ]

    @property
    def jurisdiction_path(self) -> str:
        return self.recording.jurisdiction_path

    def __str__(self) -> str:
        return f"Lượt ghi {str(self.take)[:8]} của {self.point} ({self.get_source_display()})"


class Slice(LiesWithParent, models.Model):
    """One numbered piece of a take, as stored: its hash was checked against the browser's before the row was written."""

    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="slices", verbose_name="lượt ghi")
    seq = models.PositiveIntegerField("số thứ tự")
    sha256 = models.CharField("SHA-256", max_length=64)
    size_bytes = models.PositiveIntegerField("kích thước (byte)")
    received_at = models.DateTimeField("nhận lúc")
    client_time_ms = models.BigIntegerField("giờ trình duyệt lúc bắt đầu đoạn (ms)", null=True, blank=True)
    storage_key = models.CharField("khóa lưu trữ", max_length=300)

    jurisdiction_parent = "track"

    class Meta:
        ordering = ["track", "seq"]
        verbose_name = "đoạn ghi hình"
        verbose_name_plural = "đoạn ghi hình"
        constraints = [
            models.UniqueConstraint(fields=["track", "seq"], name="slice_track_seq_unique"),
            models.CheckConstraint(condition=Q(size_bytes__gt=0), name="slice_not_empty"),
        ]

    def __str__(self) -> str:
        return f"Đoạn {self.seq} của {self.track}"


class RestrictedStretch(LiesWithParent, models.Model):
    """A stretch the chair marked restricted (Decree 154/2026 Art. 4(1)(c)): kept, played only to those allowed."""

    recording = models.ForeignKey(Recording, on_delete=models.CASCADE, related_name="restricted_stretches", verbose_name="bản ghi hình")
    started_at = models.DateTimeField("từ lúc")
    ended_at = models.DateTimeField("đến lúc", null=True, blank=True)
    reason = models.TextField("lý do hạn chế")
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="người đánh dấu")
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="người bỏ đánh dấu")
    agenda_item = models.ForeignKey("scheduling.AgendaItem", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="vụ việc")

    jurisdiction_parent = "recording"

    class Meta:
        ordering = ["recording", "started_at", "pk"]
        verbose_name = "đoạn ghi hình hạn chế xem"
        verbose_name_plural = "đoạn ghi hình hạn chế xem"
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="restricted_stretch_has_reason"),
            models.CheckConstraint(condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("started_at")), name="restricted_stretch_ordered"),
        ]

    def __str__(self) -> str:
        return f"Đoạn hạn chế xem của {self.recording}"


class Chapter(LiesWithParent, models.Model):
    """Where one matter of the agenda lies in the recording (from the room's matter started/closed events)."""

    recording = models.ForeignKey(Recording, on_delete=models.CASCADE, related_name="chapters", verbose_name="bản ghi hình")
    agenda_item = models.ForeignKey("scheduling.AgendaItem", null=True, blank=True, on_delete=models.PROTECT, related_name="recording_chapters", verbose_name="vụ việc")
    title = models.CharField("tiêu đề", max_length=300)
    start_s = models.FloatField("bắt đầu (giây)")
    end_s = models.FloatField("kết thúc (giây)", null=True, blank=True)
    thumbnail = models.FileField("ảnh đại diện", storage=archive_storage, max_length=300, blank=True)

    jurisdiction_parent = "recording"

    class Meta:
        ordering = ["recording", "start_s", "pk"]
        verbose_name = "chương của bản ghi hình"
        verbose_name_plural = "chương của bản ghi hình"
        constraints = [
            models.CheckConstraint(condition=Q(start_s__gte=0), name="chapter_start_not_negative"),
            models.CheckConstraint(condition=Q(end_s__isnull=True) | Q(end_s__gte=models.F("start_s")), name="chapter_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.recording})"


class RetentionPolicy(models.Model):
    """How long one province keeps its recordings (the archives law decides: docs/LEGAL.md, **verify**).

    A province without a row keeps them ``settings.RECORDINGS_RETENTION_YEARS`` years. Changing the
    period changes only recordings made afterwards; a recording's own ``retention_until`` is fixed
    when it starts, so nobody shortens it after the fact.
    """

    province_committee = models.OneToOneField("organisations.Organisation", on_delete=models.PROTECT, related_name="recording_retention", verbose_name="UBND tỉnh")
    years = models.PositiveSmallIntegerField("số năm lưu trữ bản ghi hình")
    basis = models.CharField("căn cứ", max_length=300, blank=True, help_text="Văn bản quy định thời hạn lưu trữ áp dụng, ví dụ danh mục thời hạn lưu trữ hồ sơ tiếp công dân.")
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="người cập nhật")

    jurisdiction_lookup = "province_committee"

    class Meta:
        verbose_name = "thời hạn lưu trữ bản ghi hình"
        verbose_name_plural = "thời hạn lưu trữ bản ghi hình"
        constraints = [models.CheckConstraint(condition=Q(years__gte=1), name="retention_at_least_one_year")]

    @property
    def jurisdiction_path(self) -> str:
        return self.province_committee.path

    def __str__(self) -> str:
        return f"Lưu trữ bản ghi hình {self.years} năm: {self.province_committee}"


class PointFile(LiesWithParent, models.Model):
    """The finished file of one point: its takes joined and remuxed (seekable), placed on the recording's clock.

    Made by finishing (``recordings.finishing``), played side by side by playback.
    """

    recording = models.ForeignKey(Recording, on_delete=models.CASCADE, related_name="point_files", verbose_name="bản ghi hình")
    point = models.ForeignKey("live.RoomPoint", on_delete=models.PROTECT, related_name="recording_files", verbose_name="điểm cầu")
    file = models.FileField("tệp của điểm cầu", storage=archive_storage, max_length=300)
    sha256 = models.CharField("SHA-256", max_length=64)
    size_bytes = models.BigIntegerField("kích thước (byte)", default=0)
    duration_s = models.FloatField("thời lượng (giây)", null=True, blank=True)
    offset_s = models.FloatField("bắt đầu sau khi ghi (giây)", default=0, help_text="Thời điểm 0 của tệp nằm sau lúc bắt đầu ghi bao nhiêu giây (đồng hồ máy chủ).")
    has_video = models.BooleanField("có hình", default=False)
    has_audio = models.BooleanField("có tiếng", default=False)
    sources = models.JSONField("nguồn đã dùng", default=list, blank=True, help_text="Các lượt ghi và đoạn bù (bản sao tại điểm cầu trung tâm) đã ghép vào tệp.")

    jurisdiction_parent = "recording"

    class Meta:
        ordering = ["recording", "point"]
        verbose_name = "tệp ghi hình của điểm cầu"
        verbose_name_plural = "tệp ghi hình của điểm cầu"
        constraints = [
            models.UniqueConstraint(fields=["recording", "point"], name="point_file_unique_per_point"),
            models.CheckConstraint(condition=Q(size_bytes__gte=0), name="point_file_size_not_negative"),
        ]

    def __str__(self) -> str:
        return f"Tệp ghi hình của {self.point}"


class DeletedRecording(models.Model):
    """What stays after a recording is deleted at the end of its retention: who, when, why, what was signed."""

    room = models.ForeignKey("live.LiveRoom", on_delete=models.PROTECT, related_name="deleted_recordings", verbose_name="phòng họp trực tuyến")
    session_title = models.CharField("phiên tiếp", max_length=300)
    province_committee = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name="UBND tỉnh")
    started_at = models.DateTimeField("bắt đầu ghi lúc")
    ended_at = models.DateTimeField("kết thúc ghi lúc", null=True, blank=True)
    retention_until = models.DateField("lưu trữ đến hết ngày")
    bytes_deleted = models.BigIntegerField("dung lượng đã xóa (byte)", default=0)
    manifest_sha256 = models.CharField("SHA-256 của bản kê đã ký", max_length=64, blank=True)
    deleted_at = models.DateTimeField("xóa lúc")
    deleted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="người xóa", help_text="Trống: công việc định kỳ xóa khi hết thời hạn lưu trữ.")
    reason = models.TextField("lý do", blank=True)

    jurisdiction_lookup = "province_committee"

    class Meta:
        ordering = ["-deleted_at", "-pk"]
        verbose_name = "bản ghi hình đã xóa"
        verbose_name_plural = "bản ghi hình đã xóa"

    @property
    def jurisdiction_path(self) -> str:
        return self.province_committee.path

    def __str__(self) -> str:
        return f"Bản ghi hình đã xóa: {self.session_title}"
