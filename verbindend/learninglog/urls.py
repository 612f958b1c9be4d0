from django.urls import path

from verbindend.learninglog import views

app_name = "learninglog"
urlpatterns = [
    path("network/<slug:slug>/", views.network, name="network"),
    path("network/<slug:slug>/new/", views.entry_create, name="entry_create"),
    path("network/<slug:slug>/entries.csv", views.entries_csv, name="entries_csv"),
    path("network/<slug:slug>/goals/", views.goals, name="goals"),
    path("network/<slug:slug>/goals/new/", views.goal_create, name="goal_create"),
    path("network/<slug:slug>/carriers/", views.carrier_map, name="carriers"),
    path("network/<slug:slug>/carriers/new/", views.carrier_create, name="carrier_create"),
    path("network/<slug:slug>/carriers.svg", views.carriers_svg, name="carriers_svg"),
    path("network/<slug:slug>/carriers.csv", views.carriers_csv, name="carriers_csv"),
    path("entry/<int:pk>/", views.entry, name="entry"),
    path("entry/<int:pk>/edit/", views.entry_edit, name="entry_edit"),
    path("entry/<int:pk>/delete/", views.entry_delete, name="entry_delete"),
    path("goal/<int:pk>/", views.goal, name="goal"),
    path("goal/<int:pk>/edit/", views.goal_edit, name="goal_edit"),
    path("goal/<int:pk>/revisit/", views.goal_revisit, name="goal_revisit"),
    path("milestone/<int:pk>/celebrate/", views.celebrate, name="celebrate"),
    path("carrier/<int:pk>/edit/", views.carrier_edit, name="carrier_edit"),
    path("carrier/<int:pk>/delete/", views.carrier_delete, name="carrier_delete"),
    path("from/contribution/<int:pk>/", views.from_contribution, name="from_contribution"),
    path("from/moment/<int:pk>/", views.from_moment, name="from_moment"),
]
