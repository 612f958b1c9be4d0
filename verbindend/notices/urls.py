from django.urls import path

from verbindend.notices import views

app_name = "notices"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/open/", views.open_notice, name="open"),
    path("read/", views.read_all, name="read_all"),
    path("settings/", views.notice_settings, name="settings"),
]
