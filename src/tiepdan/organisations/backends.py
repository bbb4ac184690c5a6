"""How a signed-in official is read back on each request and WebSocket."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class OfficialBackend(ModelBackend):
    """Django's password backend, reading the official's organisation and its parent in the same statement.

    Nearly every request asks for them (the policy's scope is ``organisation.scope_root``, which is the parent
    for a Board or a department; the header names the unit); read lazily they were two more statements on
    every page, fragment and WebSocket connection."""

    def get_user(self, user_id):
        users = get_user_model()._default_manager.select_related("organisation__parent")
        user = users.filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
