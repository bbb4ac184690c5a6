from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("", views.document_list, name="list"),
    path("kiem-tra/", views.check_file, name="check"),
    path("<int:pk>/<str:fmt>/", views.document_download, name="download"),
]
