from django.urls import path

from . import views

app_name = "intake"
urlpatterns = [
    path("", views.matter_list, name="matter_list"),
    path("dang-ky/", views.register, name="register"),
    path("lien-he/", views.contact, name="contact"),
    path("danh-sach-xa/", views.commune_list, name="commune_list"),
    path("danh-sach-xa/nhap-excel/", views.import_households, name="import_households"),
    path("danh-sach-xa/mau-excel.xlsx", views.household_template, name="household_template"),
    path("danh-sach-xa/<int:pk>/gui/", views.submit_batch, name="submit_batch"),
    path("danh-sach-xa/<int:pk>/tra-lai/", views.return_batch, name="return_batch"),
    path("qua-han/", views.overdue, name="overdue"),
    path("so-tiep-cong-dan/", views.register_book, name="register_book"),
    path("<int:pk>/", views.matter_detail, name="matter_detail"),
    path("<int:pk>/bo-sung/", views.complete, name="complete"),
    path("<int:pk>/dong-y-truc-tuyen/", views.consent, name="consent"),
    path("<int:pk>/rut/", views.withdraw, name="withdraw"),
    path("<int:pk>/danh-tinh/", views.reveal_identity, name="reveal_identity"),
    path("<int:pk>/dinh-kem/", views.attach, name="attach"),
]
