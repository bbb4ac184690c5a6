from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("thong-ke/", views.statistics_page, name="statistics"),
    path("thong-ke/tai/<str:fmt>/", views.figures_download, name="figures_download"),
    path("so-tiep-cong-dan/tai/<str:fmt>/", views.register_download, name="register_download"),
    path("du-thao/", views.draft_list, name="drafts"),
    path("du-thao/lap/", views.draft_create, name="draft_create"),
    path("du-thao/<int:pk>/", views.draft_detail, name="draft"),
    path("du-thao/<int:pk>/so-lieu.xlsx", views.draft_figures, name="draft_figures"),
]
