from django.contrib import admin
from django.urls import include, path, re_path

from verbindend.core import views as core_views

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
    # a join code typed or scanned straight after the address; last, so pages always win
    re_path(r"^(?P<code>[A-Za-z0-9]{4,12})/?$", core_views.join, name="join_short"),
]
