from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("dang-nhap/", views.LoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("xac-thuc-hai-lop/", views.second_factor, name="second_factor"),
    path("co-quan/", views.organisation_list, name="organisation_list"),
    path("co-quan/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("can-bo/", views.people_list, name="people_list"),
    path("can-bo/them/", views.official_create, name="official_create"),
    path("can-bo/<int:pk>/ma-kich-hoat/", views.issue_enrolment_code, name="issue_enrolment_code"),
    path("uy-quyen/", views.authorisations, name="authorisations"),
    path("uy-quyen/<int:pk>/thu-hoi/", views.revoke_authorisation, name="revoke_authorisation"),
]
