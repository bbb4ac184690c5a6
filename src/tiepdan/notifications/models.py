"""One row per person told something: in the app (an official's list) and, where there is an address, by e-mail."""
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q


class Notification(models.Model):
    """A message to one official (``recipient``, shown in their list) or to one address only (``address``:
    a citizen or an organisation's mailbox, who has no account here; the row is the record it was sent).

    ``key`` makes a notice idempotent: a periodic job may run many times, a person gets one notice per key
    (the readiness reminders key by session, point and stage). ``about`` is what the notice is about (a
    bridge point, a session, a change notice), kept for finding the notices of an object, never for access:
    the list shows a person their own notices only.
    """

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications")
    address = models.EmailField("địa chỉ thư điện tử", blank=True)
    key = models.CharField(max_length=120, blank=True)
    subject = models.CharField("tiêu đề", max_length=200)
    body = models.TextField("nội dung")
    link = models.CharField(max_length=300, blank=True)
    about_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    about_id = models.PositiveBigIntegerField(null=True, blank=True)
    about = GenericForeignKey("about_type", "about_id")
    created_at = models.DateTimeField(auto_now_add=True)
    emailed = models.BooleanField(default=False)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "thông báo"
        verbose_name_plural = "thông báo"
        indexes = [models.Index(fields=["about_type", "about_id"], name="notification_about")]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], condition=Q(recipient__isnull=False) & ~Q(key=""), name="one_notification_per_key"),
            models.UniqueConstraint(fields=["address", "key"], condition=Q(recipient__isnull=True) & ~Q(key=""), name="one_notification_per_address_key"),
            models.CheckConstraint(condition=Q(recipient__isnull=False) | ~Q(address=""), name="notification_has_someone"),
        ]

    @property
    def jurisdiction_path(self) -> str:
        """Where the audit log files this row: with its recipient's organisation."""
        return self.recipient.jurisdiction_path if self.recipient_id else ""

    def __str__(self) -> str:
        return self.subject
