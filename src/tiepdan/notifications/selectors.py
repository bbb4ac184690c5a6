"""Read-side queries of notifications: a person's own list, and the notices of one object."""
from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from .models import Notification


def for_user(user) -> QuerySet[Notification]:
    """A person's own notices, newest first. Nobody sees another's: the list is scoped by recipient."""
    return Notification.objects.filter(recipient=user) if user.is_authenticated else Notification.objects.none()


def unread_count(user) -> int:
    return for_user(user).filter(read_at__isnull=True).count()


def about(obj: models.Model) -> QuerySet[Notification]:
    """Every notice about ``obj`` (to whomever it went)."""
    return Notification.objects.filter(about_type=ContentType.objects.get_for_model(obj), about_id=obj.pk)


def emailed_count(rows) -> int:
    """How many of these notices went out by e-mail. Read after commit: the e-mails are sent only then."""
    return Notification.objects.filter(pk__in=[r.pk for r in rows], emailed=True).count()
