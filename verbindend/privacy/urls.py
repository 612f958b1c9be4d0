from django.urls import path

from verbindend.privacy import views

app_name = "privacy"
urlpatterns = [
    path("me/", views.my_data, name="my_data"),
    path("me/export.<str:fmt>", views.my_export, name="my_export"),
    path("me/erase/", views.my_erase, name="my_erase"),
    path("me/people/<int:pk>/consent/", views.my_consent_give, name="my_consent_give"),
    path("me/consent/<int:pk>/withdraw/", views.my_consent_withdraw, name="my_consent_withdraw"),
    path("consent-texts/", views.consent_texts, name="consent_texts"),
    path("audit/", views.site_audit, name="site_audit"),
    path("network/<slug:slug>/audit/", views.network_audit, name="network_audit"),
    path("network/<slug:slug>/retention/", views.retention, name="retention"),
    path(
        "network/<slug:slug>/people/<int:pk>/export.<str:fmt>",
        views.person_export,
        name="person_export",
    ),
    path("network/<slug:slug>/people/<int:pk>/erase/", views.person_erase, name="person_erase"),
]
