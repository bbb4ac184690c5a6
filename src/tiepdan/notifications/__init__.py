"""Notifications: what the product tells an official in the app (the list at /diem-cau/thong-bao/) and by e-mail.

Its own app rather than part of ``core``: a notification belongs to a user (organisations' ``User``), and
``core`` imports no app. It sits just above ``core`` and ``organisations`` in the order of the house, so
every later stage (bridges' readiness reminders, scheduling's invitations and change notices, intake's
report of what is stuck) calls the one service ``services.notify`` and none sends mail itself.
"""
