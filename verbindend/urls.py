from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("verbindend.core.urls")),
    path("accounts/", include("verbindend.accounts.urls")),
    path("networks/", include("verbindend.networks.urls")),
    path("studies/", include("verbindend.studies.urls")),
    path("method/", include("verbindend.method.urls")),
    path("admin/", admin.site.urls),
]
