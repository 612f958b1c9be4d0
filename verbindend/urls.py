from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("verbindend.core.urls")),
    path("accounts/", include("verbindend.accounts.urls")),
    path("networks/", include("verbindend.networks.urls")),
    path("studies/", include("verbindend.studies.urls")),
    path("method/", include("verbindend.method.urls")),
    path("live/", include("verbindend.live.urls")),
    path("history-lines/", include("verbindend.historyline.urls")),
    path("scan/", include("verbindend.scan.urls")),
    path("log/", include("verbindend.learninglog.urls")),
    path("analysis/", include("verbindend.analysis.urls")),
    path("reports/", include("verbindend.reports.urls")),
    path("research/", include("verbindend.research.urls")),
    path("privacy/", include("verbindend.privacy.urls")),
    path("notices/", include("verbindend.notices.urls")),
    path("admin/", admin.site.urls),
]
