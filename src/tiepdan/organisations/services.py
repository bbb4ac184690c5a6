"""The verbs of this app: each one transaction, each one audited."""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp import devices_for_user
from django_otp.plugins.otp_totp.models import TOTPDevice

from tiepdan.core import audit, policy
from tiepdan.core.roles import COMMUNE_ROLES, Role
from tiepdan.core.text import fold

from .models import AdministrativeUnit, DelegationOfAuthority, EnrolmentCode, Organisation, User

# Which kinds of organisation each role may belong to: a commune chairman sits in a commune's committee, etc.
ROLE_ORGANISATION_KINDS = {
    Role.PROVINCE_CHAIRMAN: {Organisation.Kind.PROVINCE_COMMITTEE},
    Role.PROVINCE_DEPUTY: {Organisation.Kind.PROVINCE_COMMITTEE},
    Role.BOARD_OFFICER: {Organisation.Kind.PROVINCE_BOARD},
    Role.DEPARTMENT_OFFICER: {Organisation.Kind.DEPARTMENT},
    Role.INSPECTOR: {Organisation.Kind.PROVINCE_INSPECTORATE, Organisation.Kind.GOVERNMENT_INSPECTORATE},
    Role.IT_OPERATOR: {Organisation.Kind.IT_CENTRE, Organisation.Kind.COMMUNE_COMMITTEE, Organisation.Kind.PROVINCE_BOARD},
    Role.COMMUNE_CHAIRMAN: {Organisation.Kind.COMMUNE_COMMITTEE},
    Role.COMMUNE_OFFICER: {Organisation.Kind.COMMUNE_COMMITTEE},
    Role.CENTRAL_OBSERVER: {Organisation.Kind.CENTRAL_BOARD},
    Role.SYSTEM_ADMIN: {Organisation.Kind.IT_CENTRE, Organisation.Kind.PROVINCE_COMMITTEE, Organisation.Kind.CENTRAL},
}


def _check_role_fits(role: str, organisation: Organisation) -> None:
    allowed = ROLE_ORGANISATION_KINDS.get(role)
    if allowed is None:
        raise ValidationError({"role": "Vai trò không hợp lệ."})
    if organisation.kind not in allowed:
        raise ValidationError({"role": f"Vai trò «{Role(role).label}» không thuộc loại đơn vị «{organisation.get_kind_display()}»."})


@transaction.atomic
def create_official(*, by: User | None, username: str, full_name: str, organisation: Organisation, role: str, password: str | None = None, position: str = "", email: str = "", phone: str = "", is_demo: bool = False) -> User:
    """Create an official's account. ``by`` None means the system (set-up commands)."""
    if by is not None:
        policy.require(by, "people.manage", organisation)
    _check_role_fits(role, organisation)
    user = User(username=username, full_name=full_name, organisation=organisation, role=role, position=position, email=email, phone=phone, is_demo=is_demo)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    audit.record(actor=by, action="people.create", obj=user, changes={"role": role, "organisation": organisation.pk})
    return user


@transaction.atomic
def authorise_deputy(*, by: User, deputy: User, valid_from: dt.date, valid_until: dt.date, scope_note: str = "", document_number: str = "") -> DelegationOfAuthority:
    """The Chairman authorises a deputy of the same People's Committee to chair receptions for a period."""
    policy.require(by, "delegation_of_authority.grant", deputy)
    if deputy.role != Role.PROVINCE_DEPUTY or deputy.organisation_id != by.organisation_id:
        raise ValidationError({"deputy": "Chỉ ủy quyền được cho Phó Chủ tịch cùng UBND tỉnh."})
    if valid_until < valid_from:
        raise ValidationError({"valid_until": "Ngày kết thúc ủy quyền phải sau ngày bắt đầu."})
    if valid_until < timezone.localdate():
        raise ValidationError({"valid_until": "Thời hạn ủy quyền đã qua; hãy chọn ngày kết thúc từ hôm nay trở đi."})
    grant = DelegationOfAuthority(chairman=by, deputy=deputy, valid_from=valid_from, valid_until=valid_until, scope_note=scope_note, document_number=document_number)
    grant.full_clean()
    grant.save()
    audit.record(actor=by, action="delegation_of_authority.grant", obj=grant, changes={"deputy": deputy.pk, "valid_from": str(valid_from), "valid_until": str(valid_until)})
    return grant


@transaction.atomic
def revoke_authorisation(*, by: User, grant: DelegationOfAuthority, reason: str) -> DelegationOfAuthority:
    policy.require(by, "delegation_of_authority.revoke", grant)
    if grant.revoked_at is not None:
        raise ValidationError("Ủy quyền này đã được thu hồi trước đó.")
    if not reason.strip():
        raise ValidationError({"reason": "Cần nêu lý do thu hồi ủy quyền."})
    grant.revoked_at = timezone.now()
    grant.save(update_fields=["revoked_at"])
    audit.record(actor=by, action="delegation_of_authority.revoke", obj=grant, reason=reason)
    return grant


def load_administrative_units(province_codes: set[int] | None = None) -> tuple[int, int]:
    """Load all provinces and communes from `vietnam-provinces`; idempotent (updates names, adds what is missing)."""
    # Here, not at the top: the package's tables of every province and commune take ~50 ms and memory to load,
    # and only `manage.py load_units` needs them.
    from vietnam_provinces import Province, Ward

    with transaction.atomic():
        existing = {u.code: u for u in AdministrativeUnit.objects.all()}
        provinces = {}
        for p in Province.iter_all():
            if province_codes and int(p.code) not in province_codes:
                continue
            code = f"{int(p.code):02d}"
            unit = existing.get(code) or AdministrativeUnit(code=code)
            unit.name, unit.division_type, unit.codename, unit.level = p.name, p.division_type.value, p.codename, AdministrativeUnit.Level.PROVINCE
            unit.save()
            provinces[int(p.code)] = unit
        new_wards = []
        for w in Ward.iter_all():
            if int(w.province_code) not in provinces:
                continue
            code = f"{int(w.code):05d}"
            province = provinces[int(w.province_code)]
            unit = existing.get(code)
            if unit is None:
                # bulk_create skips save(), so the folded name is set here.
                new_wards.append(AdministrativeUnit(code=code, name=w.name, name_folded=fold(w.name), division_type=w.division_type.value, codename=w.codename, level=AdministrativeUnit.Level.COMMUNE, parent=province))
            elif (unit.name, unit.parent_id) != (w.name, province.pk):
                unit.name, unit.parent = w.name, province
                unit.save()
        AdministrativeUnit.objects.bulk_create(new_wards, batch_size=1000)
        if new_wards:
            audit.record(actor=None, action="units.load", object_type="organisations.administrativeunit", object_repr=f"{len(provinces)} tỉnh, {len(new_wards)} xã mới")
    return (
        AdministrativeUnit.objects.filter(level=AdministrativeUnit.Level.PROVINCE).count(),
        AdministrativeUnit.objects.filter(level=AdministrativeUnit.Level.COMMUNE).count(),
    )


@transaction.atomic
def ensure_organisation(*, name: str, kind: str, parent: Organisation | None, unit: AdministrativeUnit | None = None, short_name: str = "", address: str = "") -> Organisation:
    """Find or create an organisation (set-up and demo commands; idempotent)."""
    org, created = Organisation.objects.get_or_create(kind=kind, parent=parent, unit=unit, name=name, defaults={"short_name": short_name, "address": address})
    if created:
        audit.record(actor=None, action="organisations.create", obj=org)
    return org


def is_commune_role(role: str) -> bool:
    return role in COMMUNE_ROLES


# --- The second factor: enrolment codes ---------------------------------------------------------------------
# No 0/O, 1/I/L: the code is read aloud over the phone or copied from paper. 12 of these 31 symbols: ~59 bits.
ENROLMENT_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
ENROLMENT_CODE_LENGTH = 12


def _normalise_code(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def _code_digest(code: str) -> str:
    return hashlib.sha256(_normalise_code(code).encode()).hexdigest()


@transaction.atomic
def issue_enrolment_code(*, by: User | None, person: User, reason: str = "") -> tuple[EnrolmentCode, str]:
    """A system administrator lets ``person`` enrol an authenticator: returns the code, to be shown once.

    If ``person`` already has an authenticator this is a reset: the reason is required, their devices
    are deleted (every session verified by them loses the second factor) and they enrol again with
    the new code. Any earlier code still unused is withdrawn. ``by`` None is the system
    (``manage.py issue_enrolment_code``, for the first administrator).
    """

    if by is not None:
        policy.require(by, "people.issue_enrolment_code", person)
        if by.pk == person.pk:
            raise PermissionDenied("Không tự cấp mã kích hoạt cho chính mình: hãy nhờ một quản trị hệ thống khác.")
    if not person.is_active:
        raise ValidationError("Tài khoản này đã bị khóa; mở lại tài khoản trước khi cấp mã kích hoạt.")
    devices = list(devices_for_user(person, confirmed=None))
    reset = any(d.confirmed for d in devices)
    if reset and not reason.strip():
        raise ValidationError({"reason": "Cán bộ này đã cài xác thực hai lớp. Cần nêu lý do cài đặt lại (ví dụ: mất điện thoại) trước khi thu hồi thiết bị cũ."})
    now = timezone.now()
    for device in devices:
        device.delete()
    withdrawn = EnrolmentCode.objects.filter(user=person, used_at__isnull=True, withdrawn_at__isnull=True).update(withdrawn_at=now)
    plain = "".join(secrets.choice(ENROLMENT_CODE_ALPHABET) for _ in range(ENROLMENT_CODE_LENGTH))
    code = EnrolmentCode.objects.create(
        user=person, code_sha256=_code_digest(plain), purpose=EnrolmentCode.Purpose.RESET if reset else EnrolmentCode.Purpose.FIRST,
        issued_by=by, expires_at=now + dt.timedelta(hours=settings.SECOND_FACTOR_CODE_HOURS),
    )
    audit.record(
        actor=by, action="people.enrolment_code_issued", obj=person, reason=reason.strip(),
        changes={"purpose": code.purpose, "expires_at": code.expires_at.isoformat(), "devices_revoked": sum(d.confirmed for d in devices), "codes_withdrawn": withdrawn},
    )
    return code, "-".join(plain[i:i + 4] for i in range(0, ENROLMENT_CODE_LENGTH, 4))


def redeem_enrolment_code(*, user: User, code: str):
    """``user`` (signed in with the password) enters the code: uses it and returns a new, unconfirmed authenticator.

    The authenticator becomes theirs when they enter its first right TOTP code (the second-factor page).
    A refusal is audited too, then raised with what to do next.
    """

    now = timezone.now()
    with transaction.atomic():
        found = EnrolmentCode.objects.select_for_update().filter(code_sha256=_code_digest(code)).first() if _normalise_code(code) else None
        if found is None or found.user_id != user.pk:
            refusal = "Mã kích hoạt không đúng. Nhập đúng 12 ký tự trên giấy quản trị hệ thống đã cấp cho bạn."
        else:
            refusal = found.refusal(now)
        if refusal is None:
            found.used_at = now
            found.save(update_fields=["used_at"])
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
            device = TOTPDevice.objects.create(user=user, name="Ứng dụng xác thực", confirmed=False)
            audit.record(actor=user, action="auth.enrolment_code_used", obj=user, changes={"code": found.pk, "purpose": found.purpose})
            return device
    audit.record(actor=user, action="auth.enrolment_code_failed", obj=user, reason=refusal)
    raise ValidationError({"code": refusal})
