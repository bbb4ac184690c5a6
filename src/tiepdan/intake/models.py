"""Citizens, delegations, petitions (đơn), matters (vụ việc), attachments, contacts and commune batches.

Bulk inserts (the 1,000,000-petition generator) skip ``save()``: fill the folded
search columns yourself with ``tiepdan.core.text.fold``:
- ``Citizen.full_name_folded`` = fold(full_name)
- ``Matter.citizen_name_folded`` = fold(citizen.full_name), ``Matter.citizen_id_number`` = citizen.id_number,
  ``Matter.summary_folded`` = fold(summary), ``Matter.commune_committee`` = the commune's committee
  under ``province_committee`` (or None when the citizen lives outside the province)
- ``Petition.content_folded`` = fold(content)
No other side table is needed per row.
"""
from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from tiepdan.core.text import fold

from .rules import MAX_CONTENT_CHARS, MAX_NOTE_CHARS, MAX_PEOPLE, MAX_SUMMARY_CHARS


class MatterKind(models.TextChoices):
    """Luật Tiếp công dân 2013, Điều 2 and Điều 3: the four kinds of content received."""

    COMPLAINT = "complaint", "Khiếu nại"
    DENUNCIATION = "denunciation", "Tố cáo"
    RECOMMENDATION = "recommendation", "Kiến nghị"
    REFLECTION = "reflection", "Phản ánh"


class MatterState(models.TextChoices):
    RECEIVED = "received", "Đã tiếp nhận"
    CLASSIFIED = "classified", "Đã phân loại"
    PROPOSED = "proposed", "Đã đề xuất tiếp trực tuyến"
    APPROVED = "approved", "Được duyệt tiếp"
    DECLINED = "declined", "Không tiếp"
    RETURNED = "returned", "Trả lại để bổ sung"
    WITHDRAWN = "withdrawn", "Đã rút"
    # After the session (outcomes, Decree 154 Art. 25(3)): answered at once, or settled by the agencies directed.
    ANSWERED = "answered", "Đã trả lời tại buổi tiếp"
    SETTLING = "settling", "Đang giải quyết theo kết luận"
    SETTLED = "settled", "Đã có kết quả giải quyết"


class SubjectArea(models.TextChoices):
    LAND = "land", "Đất đai"
    COMPENSATION = "compensation", "Bồi thường, hỗ trợ, tái định cư"
    POLICY = "policy", "Chế độ, chính sách"
    OFFICIALS_CONDUCT = "officials_conduct", "Hành vi của cán bộ, công chức"
    ENVIRONMENT = "environment", "Môi trường"
    CONSTRUCTION = "construction", "Xây dựng, trật tự đô thị"
    JUSTICE = "justice", "Tư pháp, thi hành án"
    OTHER = "other", "Lĩnh vực khác"


class Channel(models.TextChoices):
    """Plan 004 §3.1: in person or in writing; phone and e-mail are contacts guided to write."""

    IN_PERSON = "in_person", "Trực tiếp tại Ban Tiếp công dân"
    LETTER = "letter", "Đơn gửi Chủ tịch UBND tỉnh"
    COMMUNE_LIST = "commune_list", "Danh sách do UBND xã gửi"


class Citizen(models.Model):
    """Công dân. Identity is kept secret (Decree 154/2026 Art. 12); reads of a protected denouncer are audited."""

    full_name = models.CharField("họ và tên", max_length=150)
    full_name_folded = models.CharField(max_length=150, db_index=True, editable=False)
    id_number = models.CharField("số định danh cá nhân (CCCD)", max_length=12, db_index=True)
    date_of_birth = models.DateField("ngày sinh")
    commune = models.ForeignKey("organisations.AdministrativeUnit", verbose_name="xã, phường nơi cư trú", on_delete=models.PROTECT, related_name="citizens")
    address = models.CharField("địa chỉ", max_length=255)
    phone = models.CharField("điện thoại", max_length=20, blank=True)
    email = models.EmailField("thư điện tử", blank=True)
    representative_name = models.CharField("người đại diện được ủy quyền", max_length=150, blank=True)
    representative_document = models.CharField("giấy ủy quyền (số, ngày)", max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "công dân"
        verbose_name_plural = "công dân"
        constraints = [models.CheckConstraint(condition=Q(id_number__regex=r"^[0-9]{12}$"), name="citizen_id_number_12_digits")]

    def save(self, *args, **kwargs):
        self.full_name_folded = fold(self.full_name)
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return self.full_name


class Delegation(models.Model):
    """Đoàn đông người: many people, one content (Law 2013 Art. 29). One visit, N people in statistics."""

    province_committee = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    members_count = models.PositiveIntegerField("số người trong đoàn", validators=[MinValueValidator(5), MaxValueValidator(MAX_PEOPLE)])
    members_note = models.TextField("danh sách thành viên", blank=True, max_length=MAX_NOTE_CHARS)
    created_at = models.DateTimeField(auto_now_add=True)

    jurisdiction_lookup = "province_committee"

    class Meta:
        verbose_name = "đoàn đông người"
        verbose_name_plural = "đoàn đông người"
        constraints = [
            models.CheckConstraint(condition=Q(members_count__gte=5), name="delegation_has_five_or_more"),
            models.CheckConstraint(condition=Q(members_count__lte=MAX_PEOPLE), name="delegation_members_bounded"),
        ]

    @property
    def jurisdiction_path(self) -> str:
        return self.province_committee.path

    def __str__(self) -> str:
        return f"Đoàn {self.members_count} người"


class Representative(models.Model):
    """Người đại diện của đoàn đông người (Luật Tiếp công dân 2013, Điều 29; Nghị định 154/2026, Điều 14 khoản 3).

    The first is the citizen the matter is registered under (``citizen`` set); the others are recorded with
    their identity paper and address. ``record_signed_on``: the day they signed (or fingerprinted) the record of
    what they presented, empty until they have. Their number is ``Matter.representatives_count``: the seats the
    delegation takes at a session (Art. 22(4)).
    """

    delegation = models.ForeignKey(Delegation, on_delete=models.CASCADE, related_name="representatives")
    position = models.PositiveSmallIntegerField("thứ tự")
    citizen = models.ForeignKey(Citizen, null=True, blank=True, on_delete=models.PROTECT, related_name="representing")
    full_name = models.CharField("họ và tên", max_length=150)
    id_number = models.CharField("số giấy tờ tùy thân (CCCD)", max_length=12)
    address = models.CharField("địa chỉ", max_length=255)
    record_signed_on = models.DateField("ngày ký biên bản ghi nội dung trình bày", null=True, blank=True)

    class Meta:
        ordering = ["delegation", "position"]
        verbose_name = "người đại diện"
        verbose_name_plural = "người đại diện"
        constraints = [
            models.UniqueConstraint(fields=["delegation", "position"], name="representative_position_unique"),
            models.UniqueConstraint(fields=["delegation", "id_number"], name="representative_once_per_delegation"),
            models.CheckConstraint(condition=Q(position__gte=1, position__lte=5), name="representative_at_most_five"),
        ]

    def __str__(self) -> str:
        return f"Người đại diện {self.full_name}"


class CommuneBatch(models.Model):
    """Danh sách hộ dân đăng ký do UBND xã gửi Ban Tiếp công dân tỉnh (plan 002 §III.10)."""

    class State(models.TextChoices):
        DRAFT = "draft", "Đang lập"
        SUBMITTED = "submitted", "Đã gửi Ban Tiếp công dân tỉnh"
        RETURNED = "returned", "Bị trả lại để bổ sung"
        ACCEPTED = "accepted", "Ban đã nhận"

    commune_committee = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="commune_batches")
    province_committee = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    state = models.CharField("trạng thái", max_length=12, choices=State.choices, default=State.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    returned_reason = models.TextField("lý do trả lại", blank=True)
    due_at = models.DateTimeField("hạn xử lý của bước đang chờ", null=True, blank=True)

    jurisdiction_lookup = "commune_committee"

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "danh sách của xã"
        verbose_name_plural = "danh sách của xã"

    @property
    def jurisdiction_path(self) -> str:
        return self.commune_committee.path

    def __str__(self) -> str:
        return f"Danh sách số {self.pk} của {self.commune_committee}"


class Matter(models.Model):
    """Vụ việc: what a citizen (or a delegation) asks the Chairman to receive them about.

    ``state`` changes only through ``intake.workflow.transition`` (the table of allowed changes).
    """

    kind = models.CharField("loại", max_length=16, choices=MatterKind.choices)
    state = models.CharField("trạng thái", max_length=12, choices=MatterState.choices, default=MatterState.RECEIVED, db_index=True)
    subject_area = models.CharField("lĩnh vực", max_length=20, choices=SubjectArea.choices, default=SubjectArea.OTHER)
    citizen = models.ForeignKey(Citizen, on_delete=models.PROTECT, related_name="matters")
    delegation = models.ForeignKey(Delegation, null=True, blank=True, on_delete=models.PROTECT, related_name="matters")
    commune = models.ForeignKey("organisations.AdministrativeUnit", verbose_name="xã, phường", on_delete=models.PROTECT, related_name="matters")
    province_committee = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="matters")
    commune_committee = models.ForeignKey("organisations.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="commune_matters")
    batch = models.ForeignKey(CommuneBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="matters")
    channel = models.CharField("hình thức đăng ký", max_length=14, choices=Channel.choices)
    registered_at = models.DateTimeField("thời điểm đăng ký", db_index=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    summary = models.TextField("tóm tắt nội dung", max_length=MAX_SUMMARY_CHARS)
    request = models.TextField("yêu cầu của công dân", blank=True, max_length=MAX_SUMMARY_CHARS)
    arose_at = models.CharField("nơi phát sinh", max_length=255, blank=True)
    people_count = models.PositiveIntegerField("số người", default=1, validators=[MinValueValidator(1), MaxValueValidator(MAX_PEOPLE)])
    # The seats the matter takes at a session (scheduling.rules.seats_taken reads it): 1 for a citizen, a delegation's
    # number of ``Representative`` rows (Law Art. 29, Decree 154 Art. 22(4)); written only with those rows.
    representatives_count = models.PositiveSmallIntegerField("số người đại diện dự phiên", default=1)
    # History (Form 03/TCD columns 8-9; eligibility grounds of the plans)
    already_settled = models.BooleanField("đã được giải quyết", default=False)
    settled_by = models.CharField("cơ quan đã giải quyết hết thẩm quyền", max_length=255, blank=True)
    decision_in_force = models.BooleanField("quyết định giải quyết đã có hiệu lực", default=False)
    pm_directed = models.BooleanField("Thủ tướng Chính phủ đã chỉ đạo", default=False)
    within_competence = models.BooleanField("thuộc thẩm quyền Chủ tịch UBND tỉnh", default=True)
    identity_protected = models.BooleanField("người tố cáo yêu cầu giữ bí mật danh tính", default=False)
    agencies_involved = models.ManyToManyField("organisations.Organisation", blank=True, related_name="matters_involved", verbose_name="cơ quan liên quan")
    agencies_required = models.ManyToManyField("organisations.Organisation", blank=True, related_name="matters_required", verbose_name="cơ quan phải dự")
    repeat_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="repeats", verbose_name="lặp lại vụ việc")
    # Online reception: the citizen's consent, with who recorded it and when (plan 004: "nếu công dân đồng ý")
    wants_online = models.BooleanField("công dân đồng ý tiếp trực tuyến", default=False)
    online_consent_recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    online_consent_at = models.DateTimeField(null=True, blank=True)
    # The waiting state's deadline (owner: workflow.WAITING)
    state_changed_at = models.DateTimeField(null=True, blank=True)
    state_due_at = models.DateTimeField("hạn của bước đang chờ", null=True, blank=True, db_index=True)
    # Denormalised, folded search columns (see the module docstring)
    citizen_name_folded = models.CharField(max_length=150, editable=False, default="")
    citizen_id_number = models.CharField(max_length=12, editable=False, default="", db_index=True)
    summary_folded = models.TextField(editable=False, default="")

    jurisdiction_lookup = "province_committee"
    # A commune's people see their commune's matters; the province sees all of its own.
    jurisdiction_lookups = ["province_committee", "commune_committee"]

    class Meta:
        ordering = ["-registered_at", "-id"]
        verbose_name = "vụ việc"
        verbose_name_plural = "vụ việc"
        indexes = [
            models.Index(fields=["province_committee", "-registered_at"], name="matter_province_recent"),
            models.Index(fields=["commune_committee", "-registered_at"], name="matter_commune_recent"),
            models.Index(fields=["citizen_name_folded"], name="matter_name_folded"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(people_count__gte=1), name="matter_people_at_least_one"),
            models.CheckConstraint(condition=Q(people_count__lte=MAX_PEOPLE), name="matter_people_bounded"),
            models.CheckConstraint(condition=Q(representatives_count__gte=1, representatives_count__lte=5), name="matter_representatives_1_to_5"),
            models.CheckConstraint(condition=Q(identity_protected=False) | Q(kind="denunciation"), name="matter_protection_only_for_denunciations"),
        ]

    def save(self, *args, **kwargs):
        self.summary_folded = fold(self.summary)
        if self.citizen_id:
            self.citizen_name_folded = self.citizen.full_name_folded or fold(self.citizen.full_name)
            self.citizen_id_number = self.citizen.id_number
        super().save(*args, **kwargs)

    @property
    def jurisdiction_path(self) -> str:
        return self.province_committee.path

    @property
    def extra_jurisdiction_paths(self) -> tuple[str, ...]:
        return (self.commune_committee.path,) if self.commune_committee_id else ()

    @property
    def is_delegation(self) -> bool:
        return self.delegation_id is not None

    def __str__(self) -> str:
        return f"Vụ việc số {self.pk}"


class MatterTransition(models.Model):
    """One row per state change: who, when, from, to, why. Append-only."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(max_length=12, choices=MatterState.choices, blank=True)
    to_state = models.CharField(max_length=12, choices=MatterState.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_from_state_display() or 'Mới'} → {self.get_to_state_display()}"


class Petition(models.Model):
    """Đơn, or a request recorded in writing at a visit (Decree 154 Art. 14(1)). One visit ("lượt") each."""

    matter = models.ForeignKey(Matter, on_delete=models.PROTECT, related_name="petitions")
    province_committee = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField("hình thức", max_length=14, choices=Channel.choices)
    # The day the petition reached us (a letter: as entered, the day it arrived): the 45 days of Decree 154 Art. 41(3)(b) run from it.
    received_at = models.DateTimeField("ngày nhận", db_index=True)
    written_on = models.DateField("ngày ghi trên đơn", null=True, blank=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    content = models.TextField("nội dung đơn", max_length=MAX_CONTENT_CHARS)
    content_folded = models.TextField(editable=False, default="")
    # Form 02/TCD: each paper with its name, page count and state ("bản chụp", "bản sao có chứng thực", "bản chính")
    papers = models.JSONField("giấy tờ, tài liệu kèm theo", default=list, blank=True)
    # Form 03/TCD columns 10-11
    guided_to = models.CharField("hướng dẫn đến cơ quan", max_length=255, blank=True)
    guidance_document = models.CharField("số văn bản hướng dẫn", max_length=60, blank=True)
    forwarded_to = models.CharField("chuyển đến cơ quan", max_length=255, blank=True)
    forwarding_document = models.CharField("số văn bản chuyển đơn", max_length=60, blank=True)

    jurisdiction_lookup = "province_committee"

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = "đơn"
        verbose_name_plural = "đơn"

    def save(self, *args, **kwargs):
        self.content_folded = fold(self.content)
        super().save(*args, **kwargs)

    @property
    def jurisdiction_path(self) -> str:
        return self.province_committee.path

    def __str__(self) -> str:
        return f"Đơn số {self.pk} ({self.get_channel_display().lower()})"


class Attachment(models.Model):
    """Tài liệu kèm theo: PDF, JPEG or PNG; the type is sniffed from the bytes; SHA-256 stored."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="intake/attachments/%Y/%m/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=40)
    size_bytes = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Tài liệu «{self.original_name}»"


class Contact(models.Model):
    """A phone call or e-mail: logged, and the citizen guided to put the request in writing (plan 004 §3.1.a)."""

    class Medium(models.TextChoices):
        PHONE = "phone", "Điện thoại"
        EMAIL = "email", "Thư điện tử"

    province_committee = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    medium = models.CharField("hình thức", max_length=8, choices=Medium.choices)
    person_name = models.CharField("người liên hệ", max_length=150)
    reach = models.CharField("số điện thoại / thư điện tử", max_length=150)
    content = models.TextField("nội dung")
    guided_to_write = models.BooleanField("đã hướng dẫn gửi đơn bằng văn bản", default=False)
    guidance_note = models.CharField("nội dung hướng dẫn", max_length=255, blank=True)
    at = models.DateTimeField("thời điểm")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    jurisdiction_lookup = "province_committee"

    class Meta:
        ordering = ["-at"]

    @property
    def jurisdiction_path(self) -> str:
        return self.province_committee.path

    def __str__(self) -> str:
        return f"{self.get_medium_display()} của {self.person_name}"
