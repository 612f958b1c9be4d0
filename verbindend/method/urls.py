from django.urls import path

from verbindend.method import views

app_name = "method"
urlpatterns = [
    path("", views.overview, name="guide"),
    path("print/", views.print_view, name="print"),
    path("k/<str:key>/", views.key, name="key"),
    path("aids/<slug:name>.svg", views.aid_svg, name="aid"),
    path("aids/<slug:name>/projector/", views.projector, name="projector"),
    path("<slug:slug>/", views.section, name="section"),
]
