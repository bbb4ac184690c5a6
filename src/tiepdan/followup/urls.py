from django.urls import path

from . import views

app_name = "followup"
urlpatterns = [
    path("", views.task_list, name="task_list"),
    path("<int:pk>/", views.task_detail, name="task_detail"),
    path("<int:pk>/bao-cao/", views.report, name="report"),
    path("<int:pk>/hoan-thanh/", views.accept, name="accept"),
    path("<int:pk>/yeu-cau-bo-sung/", views.return_result, name="return_result"),
    path("tai-lieu/<int:pk>/", views.attachment, name="attachment"),
]
