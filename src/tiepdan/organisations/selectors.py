"""Read-side queries about organisations and people that several callers share."""
from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from tiepdan.core import policy

from .models import AdministrativeUnit, DelegationOfAuthority, EnrolmentCode, Organisation, User


def authorisation_in_force(deputy: User, on_date) -> DelegationOfAuthority | None:
    return (
        DelegationOfAuthority.objects.filter(deputy=deputy, revoked_at__isnull=True, valid_from__lte=on_date, valid_until__gte=on_date)
        .select_related("chairman")
        .first()
    )


def visible_organisations(user) -> QuerySet[Organisation]:
    return policy.visible(user, "organisations.view", Organisation.objects.select_related("unit", "parent"))


def visible_people(user) -> QuerySet[User]:
    return policy.visible(user, "people.view", User.objects.filter(is_active=True).select_related("organisation"))


def with_second_factor_state(people: QuerySet[User]) -> QuerySet[User]:
    """Annotate ``has_authenticator`` and ``has_pending_code`` (unused, unexpired) for the administrator's list."""
    pending = EnrolmentCode.objects.filter(user=OuterRef("pk"), used_at__isnull=True, withdrawn_at__isnull=True, expires_at__gt=timezone.now())
    return people.annotate(
        has_authenticator=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
        has_pending_code=Exists(pending),
    )


def province_committee_for(unit: AdministrativeUnit) -> Organisation | None:
    return Organisation.objects.filter(kind=Organisation.Kind.PROVINCE_COMMITTEE, unit=unit).first()


def commune_committees(province_committee: Organisation) -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind=Organisation.Kind.COMMUNE_COMMITTEE, path__startswith=province_committee.path).select_related("unit")
