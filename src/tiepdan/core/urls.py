from django.urls import path

from . import views

urlpatterns = [
    path("", views.audit_log, name="audit_log"),
    path("kiem-tra/", views.audit_verify, name="audit_verify"),
]
