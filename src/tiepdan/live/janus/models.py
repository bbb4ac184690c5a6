"""What the app server remembers of the SFU side of a live room (imported by live/models.py).

Janus keeps its rooms and tokens in memory; these rows let the server build them
again after a Janus restart and revoke exactly what it handed out.
"""
from __future__ import annotations

import secrets

from django.db import models
from django.db.models import Q


def _nonce() -> str:
    return secrets.token_hex(16)


class JanusRoom(models.Model):
    """The Janus VideoRoom carrying one live room. ``secret`` never leaves the server; ``pin`` goes to admitted points."""

    room = models.OneToOneField("live.LiveRoom", on_delete=models.CASCADE, related_name="janus_room")
    room_number = models.PositiveBigIntegerField("số phòng trên Janus", unique=True)
    secret = models.CharField("khóa quản trị phòng", max_length=64)
    pin = models.CharField("mã vào phòng", max_length=32)
    created_at = models.DateTimeField(auto_now_add=True)
    destroyed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "live"
        verbose_name = "phòng trên máy chủ chuyển tiếp"
        verbose_name_plural = "phòng trên máy chủ chuyển tiếp"

    @property
    def jurisdiction_path(self) -> str:
        return self.room.jurisdiction_path

    def __str__(self) -> str:
        return f"Janus #{self.room_number}"


class JanusGrant(models.Model):
    """One point's right to enter the VideoRoom. Its token is derived (HMAC of ``nonce``), never stored."""

    janus_room = models.ForeignKey(JanusRoom, on_delete=models.CASCADE, related_name="grants")
    point = models.ForeignKey("live.RoomPoint", on_delete=models.CASCADE, related_name="janus_grants")
    nonce = models.CharField(max_length=32, default=_nonce, editable=False)
    issued_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        app_label = "live"
        verbose_name = "quyền vào phòng Janus"
        verbose_name_plural = "quyền vào phòng Janus"
        constraints = [
            models.UniqueConstraint(fields=["janus_room", "point"], condition=Q(revoked_at__isnull=True), name="one_live_janus_grant_per_point"),
        ]

    def __str__(self) -> str:
        return f"{self.point} @ {self.janus_room}"
