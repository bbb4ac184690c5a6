"""Mounted at /diem-cau/thong-bao/ (config/urls.py), the address the readiness reminders have always linked to."""
from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:pk>/da-doc/", views.mark_read, name="mark_read"),
]
