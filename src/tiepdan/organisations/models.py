"""Administrative units, the organisation tree, officials and the Chairman's authorisations."""
from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone

from tiepdan.core.roles import Role
from tiepdan.core.text import fold


class AdministrativeUnit(models.Model):
    """Đơn vị hành chính: a province or a commune (xã, phường, đặc khu), from `vietnam-provinces`.

    Two levels since 1 Jul 2025: districts were abolished. A plan that still names
    a district models it as an intermediate Organisation, not a unit.
    """

    class Level(models.TextChoices):
        PROVINCE = "province", "Tỉnh, thành phố"
        COMMUNE = "commune", "Xã, phường, đặc khu"

    code = models.CharField(max_length=10, unique=True)
    name = models.CharField(max_length=120)
    name_folded = models.CharField(max_length=120, db_index=True, editable=False)
    division_type = models.CharField(max_length=40)
    codename = models.CharField(max_length=120)
    level = models.CharField(max_length=10, choices=Level.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")

    class Meta:
        ordering = ["code"]
        verbose_name = "đơn vị hành chính"
        verbose_name_plural = "đơn vị hành chính"
        constraints = [
            models.CheckConstraint(
                condition=Q(level="province", parent__isnull=True) | Q(level="commune", parent__isnull=False),
                name="unit_commune_has_province",
            )
        ]

    def save(self, *args, **kwargs):
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    """Cơ quan, đơn vị: a node of the tree Central → province → department or commune.

    ``path`` is the materialised path of ids ("/1/4/17/"), so "this organisation
    and everything below it" is one indexed prefix match.
    """

    class Kind(models.TextChoices):
        CENTRAL = "central", "Trung ương"
        GOVERNMENT_INSPECTORATE = "government_inspectorate", "Thanh tra Chính phủ"
        CENTRAL_BOARD = "central_board", "Ban Tiếp công dân Trung ương"
        PROVINCE_COMMITTEE = "province_committee", "UBND tỉnh"
        PROVINCE_BOARD = "province_board", "Ban Tiếp công dân tỉnh"
        PROVINCE_INSPECTORATE = "province_inspectorate", "Thanh tra tỉnh"
        DEPARTMENT = "department", "Sở, ban, ngành"
        IT_CENTRE = "it_centre", "Trung tâm CNTT"
        INTERMEDIATE = "intermediate", "Cấp trung gian (huyện cũ, cụm xã)"
        COMMUNE_COMMITTEE = "commune_committee", "UBND xã, phường"

    # Agencies that serve their parent committee's whole territory: their people
    # see the committee's subtree, not only their own office.
    SERVES_PARENT = {Kind.PROVINCE_BOARD, Kind.PROVINCE_INSPECTORATE, Kind.IT_CENTRE, Kind.GOVERNMENT_INSPECTORATE, Kind.CENTRAL_BOARD}

    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=80, blank=True)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    unit = models.ForeignKey(AdministrativeUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="organisations")
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    address = models.CharField(max_length=255, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    is_active = models.BooleanField(default=True)

    jurisdiction_lookup = ""  # an organisation is in the scope of those above it

    class Meta:
        ordering = ["path"]
        verbose_name = "cơ quan, đơn vị"
        verbose_name_plural = "cơ quan, đơn vị"
        constraints = [
            models.UniqueConstraint(fields=["kind", "unit"], condition=Q(kind__in=["province_committee", "commune_committee"]), name="one_committee_per_unit"),
            models.CheckConstraint(condition=Q(kind="central") | Q(parent__isnull=False), name="org_has_parent_unless_central"),
        ]

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        expected = f"{self.parent.path if self.parent_id else '/'}{self.pk}/"
        if self.path != expected:
            self.path = expected
            self.depth = expected.count("/") - 2
            type(self).objects.filter(pk=self.pk).update(path=self.path, depth=self.depth)

    @property
    def jurisdiction_path(self) -> str:
        return self.path

    @property
    def scope_root(self) -> "Organisation":
        """The organisation whose subtree this one's people work on."""
        if self.kind in self.SERVES_PARENT and self.parent_id:
            return self.parent
        return self

    @property
    def province_committee(self) -> "Organisation | None":
        node = self
        while node is not None and node.kind != self.Kind.PROVINCE_COMMITTEE:
            node = node.parent
        return node

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """Cán bộ: an official with one organisation and one role. Citizens are not users here."""

    full_name = models.CharField("họ và tên", max_length=150)
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="people")
    role = models.CharField("vai trò", max_length=30, choices=Role.choices, blank=True)
    position = models.CharField("chức vụ", max_length=120, blank=True)
    phone = models.CharField("điện thoại", max_length=30, blank=True)
    is_demo = models.BooleanField("tài khoản trình diễn", default=False)

    class Meta:
        verbose_name = "cán bộ"
        verbose_name_plural = "cán bộ"
        constraints = [
            models.CheckConstraint(condition=Q(role="") | Q(organisation__isnull=False), name="role_needs_organisation"),
        ]

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name()

    jurisdiction_lookup = "organisation"  # as an object, a person sits in their organisation

    @property
    def jurisdiction_path(self) -> str:
        return self.organisation.path if self.organisation_id else ""

    @property
    def scope_path(self) -> str:
        """Prefix of the organisation paths this user works on; '' for the whole country."""
        if self.organisation_id is None:
            return "/nowhere/"
        if self.role == Role.CENTRAL_OBSERVER:
            return ""
        return self.organisation.scope_root.path

    @property
    def province_committee(self):
        return self.organisation.province_committee if self.organisation_id else None

    def __str__(self) -> str:
        return self.full_name or self.username


class DelegationOfAuthority(models.Model):
    """Ủy quyền: the Chairman authorises a deputy to chair receptions for a period.

    Plan 002 lets "the person the Chairman authorises" chair; the law's minimum
    (1 day a month) counts the Chairman's own receptions, so statistics keep
    who actually chaired.
    """

    chairman = models.ForeignKey(User, on_delete=models.PROTECT, related_name="authorisations_given")
    deputy = models.ForeignKey(User, on_delete=models.PROTECT, related_name="authorisations_received")
    valid_from = models.DateField("từ ngày")
    valid_until = models.DateField("đến hết ngày")
    scope_note = models.CharField("nội dung ủy quyền", max_length=300, blank=True)
    document_number = models.CharField("số văn bản ủy quyền", max_length=60, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = "ủy quyền"
        verbose_name_plural = "ủy quyền"
        constraints = [
            models.CheckConstraint(condition=Q(valid_until__gte=models.F("valid_from")), name="authorisation_period_ordered"),
            models.CheckConstraint(condition=~Q(chairman=models.F("deputy")), name="authorisation_not_to_self"),
        ]

    @property
    def jurisdiction_path(self) -> str:
        return self.chairman.organisation.scope_root.path

    def is_in_force(self, on_date) -> bool:
        return self.revoked_at is None and self.valid_from <= on_date <= self.valid_until

    def __str__(self) -> str:
        return f"{self.chairman} ủy quyền {self.deputy} ({self.valid_from:%d/%m/%Y}–{self.valid_until:%d/%m/%Y})"


class EnrolmentCode(models.Model):
    """Mã kích hoạt xác thực hai lớp: what, beside the password, lets an official enrol an authenticator.

    A system administrator issues it for one person (at first sign-in, or after resetting their
    devices); it is shown once, only its SHA-256 is kept, it expires (``SECOND_FACTOR_CODE_HOURS``)
    and it is used once. Issuing a new one withdraws any earlier one still unused.
    """

    class Purpose(models.TextChoices):
        FIRST = "first", "Cài đặt lần đầu"
        RESET = "reset", "Cài đặt lại sau khi thu hồi thiết bị"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="enrolment_codes", verbose_name="cán bộ")
    code_sha256 = models.CharField(max_length=64, unique=True, editable=False)
    purpose = models.CharField("mục đích", max_length=10, choices=Purpose.choices)
    issued_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="người cấp")
    issued_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField("hết hạn lúc")
    used_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    jurisdiction_lookup = "user__organisation"

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = "mã kích hoạt xác thực hai lớp"
        verbose_name_plural = "mã kích hoạt xác thực hai lớp"
        constraints = [
            models.CheckConstraint(condition=Q(used_at__isnull=True) | Q(withdrawn_at__isnull=True), name="enrolment_code_used_or_withdrawn"),
        ]

    @property
    def jurisdiction_path(self) -> str:
        return self.user.jurisdiction_path

    def refusal(self, now) -> str | None:
        """Why this code no longer lets its holder enrol (None: it does)."""
        if self.used_at is not None:
            return "Mã kích hoạt này đã được dùng. Đề nghị quản trị hệ thống cấp mã mới."
        if self.withdrawn_at is not None:
            return "Mã kích hoạt này đã được thay bằng một mã cấp sau. Dùng mã mới nhất, hoặc đề nghị quản trị hệ thống cấp mã mới."
        if now >= self.expires_at:
            return f"Mã kích hoạt đã hết hạn lúc {timezone.localtime(self.expires_at):%H:%M ngày %d/%m/%Y}. Đề nghị quản trị hệ thống cấp mã mới."
        return None

    def __str__(self) -> str:
        return f"Mã kích hoạt cho {self.user} (cấp {self.issued_at:%d/%m/%Y %H:%M})" if self.issued_at else f"Mã kích hoạt cho {self.user}"
