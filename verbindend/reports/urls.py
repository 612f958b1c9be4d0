from verbindend.core.scopes import scope_paths
from verbindend.reports import views

app_name = "reports"
urlpatterns = [
    *scope_paths("", views.reports, ""),
    *scope_paths("<int:pk>/", views.version_page, "version"),
    *scope_paths("<int:pk>/html/", views.version_html, "html"),
    *scope_paths("<int:pk>/pdf/", views.version_pdf, "pdf"),
    *scope_paths("<int:pk>/retry/", views.version_retry, "retry"),
    *scope_paths("<int:pk>/delete/", views.version_delete, "delete"),
]
