"""Read side of reports: which scopes a user may pick, and the figures of one (``statistics.compute``).

The scope is an organisation the user's subtree holds (``policy.visible`` on the organisation tree): Central
(whole country) sees every province; a province's Board, leaders and inspectors their province and each of its
communes; a commune's officials their commune only. The figures are then filtered by that organisation's
id on the indexed columns (``province_committee_id``, ``commune_committee_id``), not by a join on paths.
"""
from __future__ import annotations

import time

from django.core.cache import cache
from django.http import Http404

from tiepdan.core import policy
from tiepdan.organisations.models import Organisation

from . import rules, statistics
from .statistics import COUNTRY, Scope

VIEW = "reports.view"
K = Organisation.Kind
OPTIONS_TTL_S = 300
OPTIONS_VERSION = "reports:scope-options:version"


def scope_choices(user) -> list[Scope]:
    """What the scope picker offers, the widest first."""
    if not policy.can(user, VIEW):
        return []
    visible = policy.visible(user, VIEW, Organisation.objects.filter(kind__in=[K.PROVINCE_COMMITTEE, K.COMMUNE_COMMITTEE], is_active=True))
    choices: list[Scope] = []
    if policy.covers_whole_tree(user):
        choices.append(COUNTRY)
        return choices + [statistics.province_scope(o) for o in visible.filter(kind=K.PROVINCE_COMMITTEE).order_by("name")]
    provinces = list(visible.filter(kind=K.PROVINCE_COMMITTEE))
    choices += [statistics.province_scope(o) for o in provinces]
    communes = visible.filter(kind=K.COMMUNE_COMMITTEE).order_by("name")
    return choices + [statistics.commune_scope(o) for o in communes]


def scope_options(user) -> list[tuple[str, str]]:
    """The picker's (key, label) pairs, ``scope_choices`` kept in the cache: they change when an organisation
    does (``organisations_changed`` then starts a new version), not from one request to the next; the key holds
    what they depend on (role, organisation, subtree) so a user moved elsewhere reads his new ones at once."""
    version = cache.get_or_set(OPTIONS_VERSION, time.time_ns, None)
    key = f"reports:scope-options:{version}:{user.role}:{user.organisation_id}:{user.scope_path if user.organisation_id else ''}"
    options = cache.get(key)
    if options is None:
        options = [(s.key, s.label) for s in scope_choices(user)]
        cache.set(key, options, OPTIONS_TTL_S)
    return options


def organisations_changed(**kwargs) -> None:
    """``post_save`` / ``post_delete`` of an organisation (connected in ``apps.ready``): the cached scope options
    are all left behind."""
    cache.set(OPTIONS_VERSION, time.time_ns(), None)


def default_scope(user) -> Scope:
    """A commune's officials their commune, a province's people their province, Central the country."""
    if policy.covers_whole_tree(user):
        return COUNTRY
    root = user.organisation.scope_root if user.organisation_id else None
    if root is not None and root.kind == K.COMMUNE_COMMITTEE:
        return statistics.commune_scope(root)
    province = root if root is not None and root.kind == K.PROVINCE_COMMITTEE else (root.province_committee if root else None)
    if province is None:
        raise Http404("Đơn vị của bạn không thuộc tỉnh nào; không có số liệu để báo cáo.")
    return statistics.province_scope(province)


def resolve_scope(user, key: str | None) -> Scope:
    """The scope ``key`` (an organisation id, '' for the country) names, if the user may see it; else 404."""
    policy.require(user, VIEW)
    if not key:
        return default_scope(user)
    if key == "all":
        if not policy.covers_whole_tree(user):
            raise Http404("Chỉ Ban Tiếp công dân Trung ương xem được số liệu toàn quốc.")
        return COUNTRY
    if not key.isdigit():
        raise Http404("Phạm vi báo cáo không hợp lệ.")
    organisation = policy.visible(user, VIEW, Organisation.objects.filter(pk=int(key), kind__in=[K.PROVINCE_COMMITTEE, K.COMMUNE_COMMITTEE])).first()
    if organisation is None:
        raise Http404("Không tìm thấy hoặc không thuộc phạm vi của đơn vị bạn.")
    return statistics.province_scope(organisation) if organisation.kind == K.PROVINCE_COMMITTEE else statistics.commune_scope(organisation)


def statistics_for(user, *, scope: Scope, period: rules.Period) -> statistics.Statistics:
    """The figures, after the policy: the scope must be one ``resolve_scope`` gave this user."""
    policy.require(user, VIEW)
    if scope.organisation is not None and not policy.in_jurisdiction(user, scope.organisation):
        raise Http404("Không tìm thấy hoặc không thuộc phạm vi của đơn vị bạn.")
    if scope.organisation is None and not policy.covers_whole_tree(user):
        raise Http404("Chỉ Ban Tiếp công dân Trung ương xem được số liệu toàn quốc.")
    return statistics.compute(scope, period)
