"""The verbs of notifications: tell people something (``notify``), mark one's own notice read.

Every stage that tells a person something calls ``notify``; none sends mail itself, so what a person was
told, when, and whether the e-mail went out is in one table, whichever stage spoke.

**Audited.** ``notify`` writes a row per person, a state change like any other, and what the product
told whom is what an inspector asks when a citizen or an agency says it was never invited
(Decree 154/2026 Art. 23(1)): so each call is one audit entry on ``about`` (the users by id, addresses
only counted: a citizen's address belongs in the row, not in the log). Marking one's own notice read is
audited too, as every state change is.

**E-mail after commit.** The rows are written in the caller's transaction; the e-mails are sent once it
commits (``transaction.on_commit``), so a service that fails afterwards and rolls back has told nobody
anything, in the app or by mail. A mail server that is down does not undo what the caller did: the
failure is logged, the row stays with ``emailed`` false, and the person still sees it in the app.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import models, transaction
from django.utils import timezone

from tiepdan.core import audit

from .models import Notification

log = logging.getLogger(__name__)
SUBJECT_MAX = Notification._meta.get_field("subject").max_length


def _split(recipients: Iterable) -> tuple[list, list[str]]:
    """Users (each once, active only) and bare addresses (each once, none that a listed user already has)."""
    users, seen = [], set()
    addresses: list[str] = []
    for r in recipients:
        if isinstance(r, str):
            address = r.strip()
            if address and address.lower() not in {a.lower() for a in addresses}:
                addresses.append(address)
        elif r is not None and r.pk not in seen and r.is_active:
            seen.add(r.pk)
            users.append(r)
    taken = {u.email.lower() for u in users if u.email}
    return users, [a for a in addresses if a.lower() not in taken]


@transaction.atomic
def notify(*, recipients: Iterable, subject: str, body: str, link: str = "", about: models.Model | None = None, email: bool = True, key: str = "", by=None) -> list[Notification]:
    """Tell each recipient: an in-app row for a user, and an e-mail after commit where there is an address.

    ``recipients``: users (a row in their list; mailed too if they have an address) and bare e-mail
    addresses (someone without an account: only the e-mail, the row its record). ``key`` (optional) makes
    the call idempotent per person: who already has a notice with that key gets nothing again, so a
    periodic job may run as often as it likes. ``email=False``: in the app only. ``by``: who caused it
    (None: the system). Returns the rows created, empty when everyone had been told already.
    """
    users, addresses = _split(recipients)
    if addresses and not email:
        raise ValueError("An address without an account can only be told by e-mail.")
    subject = subject.strip()
    if len(subject) > SUBJECT_MAX:
        subject = subject[: SUBJECT_MAX - 1] + "…"
    about_fields = {"about_type": ContentType.objects.get_for_model(about), "about_id": about.pk} if about is not None else {}
    common = {"subject": subject, "body": body.strip(), "link": link, **about_fields}
    rows = []
    for who in [{"recipient": u} for u in users] + [{"recipient": None, "address": a} for a in addresses]:
        if key:
            row, created = Notification.objects.get_or_create(key=key, **who, defaults=common)
            if not created:
                continue
        else:
            row = Notification.objects.create(**who, **common)
        rows.append(row)
    if not rows:
        return []
    audit.record(actor=by, action="notifications.sent", obj=about, changes={
        "subject": subject, "key": key, "email": email,
        "recipients": [r.recipient_id for r in rows if r.recipient_id], "addresses": sum(1 for r in rows if not r.recipient_id),
    })
    if email:
        # The link is a page of the app: useful to an official who signs in, not to an address without an account.
        to_mail = [(r.pk, r.recipient.email, _mail_body(common["body"], link)) for r in rows if r.recipient_id and r.recipient.email]
        to_mail += [(r.pk, r.address, common["body"]) for r in rows if not r.recipient_id]
        if to_mail:
            transaction.on_commit(lambda: _send(to_mail, subject=subject))
    return rows


def _mail_body(body: str, link: str) -> str:
    return f"{body}\n\n{link}".strip()


def _send(to_mail: list[tuple[int, str, str]], *, subject: str) -> int:
    """One message per address (no one sees who else was told), over one connection; returns how many went."""
    sent = []
    try:
        with get_connection() as connection:
            for pk, address, body in to_mail:
                try:
                    EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address], connection=connection).send()
                except Exception:  # one bad address must not stop the others
                    log.exception("Notification %s: e-mail to one address failed", pk)
                else:
                    sent.append(pk)
    except Exception:  # the mail server is down: the notices stand in the app; ``emailed`` stays false
        log.exception("Notifications %s: could not reach the mail server", [pk for pk, _, _ in to_mail])
    if sent:
        Notification.objects.filter(pk__in=sent).update(emailed=True)
    return len(sent)


@transaction.atomic
def mark_read(*, by, notification: Notification) -> Notification:
    """The recipient marks their own notice read; once is enough (a second time changes nothing)."""
    if notification.recipient_id != by.pk:
        raise ValidationError("Thông báo này không phải của bạn.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
        audit.record(actor=by, action="notifications.read", obj=notification)
    return notification
