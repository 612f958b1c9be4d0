from django.urls import path

from verbindend.reports import views

app_name = "reports"
urlpatterns = []
for scope in ("network", "study"):
    urlpatterns += [
        path(f"{scope}/<slug:slug>/", views.reports, {"scope": scope}, name=scope),
        path(
            f"{scope}/<slug:slug>/<int:pk>/",
            views.version_page,
            {"scope": scope},
            name=f"{scope}_version",
        ),
        path(
            f"{scope}/<slug:slug>/<int:pk>/html/",
            views.version_html,
            {"scope": scope},
            name=f"{scope}_html",
        ),
        path(
            f"{scope}/<slug:slug>/<int:pk>/pdf/",
            views.version_pdf,
            {"scope": scope},
            name=f"{scope}_pdf",
        ),
        path(
            f"{scope}/<slug:slug>/<int:pk>/retry/",
            views.version_retry,
            {"scope": scope},
            name=f"{scope}_retry",
        ),
        path(
            f"{scope}/<slug:slug>/<int:pk>/delete/",
            views.version_delete,
            {"scope": scope},
            name=f"{scope}_delete",
        ),
    ]
