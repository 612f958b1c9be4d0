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

# Pages of the privacy app that live under another app's address (and URL namespace): a phone's
# own data sits under /live/, where its cookie is sent; consent sits beside a network's people.
participant_patterns = [
    path("s/<str:public_id>/me/data/", views.participant_data, name="my_data"),
    path(
        "s/<str:public_id>/me/data.<str:fmt>",
        views.participant_export,
        name="my_data_export",
    ),
    path("s/<str:public_id>/me/erase/", views.participant_erase, name="my_erase"),
]
network_patterns = [
    path("<slug:slug>/people/<int:pk>/consent/", views.consent_add, name="consent_add"),
    path(
        "<slug:slug>/consent/<int:pk>/withdraw/",
        views.consent_withdraw,
        name="consent_withdraw",
    ),
]
