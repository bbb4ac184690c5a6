from django.urls import path

from . import views

app_name = "bridges"

urlpatterns = [
    path("", views.point_list, name="point_list"),
    path("tao-diem-cau-xa/", views.create_commune_points, name="create_commune_points"),
    path("<int:pk>/", views.point_detail, name="point_detail"),
    path("<int:pk>/sua/", views.point_update, name="point_update"),
    path("<int:pk>/thiet-bi/<int:item_pk>/", views.equipment_update, name="equipment_update"),
    path("<int:pk>/kiem-tra/", views.readiness_test, name="readiness_test"),
    path("<int:pk>/kiem-tra/ket-noi/", views.probe_offer, name="probe_offer"),
    path("<int:pk>/kiem-tra/ket-qua/", views.probe_result, name="probe_result"),
]
