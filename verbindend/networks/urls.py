from django.urls import path

from verbindend.networks import life_views, views
from verbindend.privacy import urls as privacy_urls

app_name = "networks"
urlpatterns = [
    path("", views.network_list, name="list"),
    path("new/", views.network_create, name="create"),
    path("<slug:slug>/", views.network_detail, name="detail"),
    path("<slug:slug>/edit/", views.network_edit, name="edit"),
    path("<slug:slug>/delete/", views.network_delete, name="delete"),
    path("<slug:slug>/organisations/", views.organisation_list, name="organisations"),
    path("<slug:slug>/organisations/new/", views.organisation_add, name="organisation_add"),
    path("<slug:slug>/organisations/<int:pk>/", views.organisation_edit, name="organisation_edit"),
    path(
        "<slug:slug>/organisations/<int:pk>/about/",
        life_views.organisation_page,
        name="organisation",
    ),
    path("<slug:slug>/roles/", life_views.roles_page, name="roles"),
    path("<slug:slug>/welcome/", life_views.welcome_page, name="welcome"),
    path("<slug:slug>/welcome.pdf", life_views.welcome_pdf, name="welcome_pdf"),
    path("<slug:slug>/welcome/links/", life_views.welcome_link_create, name="welcome_links"),
    path(
        "<slug:slug>/welcome/links/<int:pk>/revoke/",
        life_views.welcome_link_revoke,
        name="welcome_link_revoke",
    ),
    path("w/<str:token>/", life_views.welcome_shared, name="welcome_shared"),
    path("w/<str:token>/pdf/", life_views.welcome_shared_pdf, name="welcome_shared_pdf"),
    path("<slug:slug>/people/", views.person_list, name="people"),
    path("<slug:slug>/people/new/", views.person_add, name="person_add"),
    path("<slug:slug>/people/import/", views.people_import, name="people_import"),
    path("<slug:slug>/people/<int:pk>/", views.person_edit, name="person_edit"),
    path("<slug:slug>/people/<int:pk>/delete/", views.person_delete, name="person_delete"),
    *privacy_urls.network_patterns,
    path("<slug:slug>/team/", views.team, name="team"),
    path("<slug:slug>/team/<int:pk>/remove/", views.role_remove, name="role_remove"),
    path("<slug:slug>/cases/<int:pk>/decide/", views.case_decide, name="case_decide"),
]
