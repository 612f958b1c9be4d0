from django.urls import path

from verbindend.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("overview/", views.dashboard, name="dashboard"),
    path("language/", views.set_language, name="set_language"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", views.metrics_view, name="metrics"),
]
