from django.urls import path

from verbindend.core.scopes import scope_paths
from verbindend.historyline import views

app_name = "historyline"
urlpatterns = [
    *scope_paths("", views.exercises, ""),
    *scope_paths("new/", views.create, "create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/line/", views.line, name="line"),
    path("<int:pk>/line/moments/", views.moments, name="moments"),
    path("<int:pk>/moments/<int:moment_pk>/delete/", views.moment_delete, name="moment_delete"),
    path("<int:pk>/interview/", views.interview, name="interview"),
    path("<int:pk>/interview/<int:person_pk>/", views.interview_person, name="interview_person"),
    path("<int:pk>/interview/<int:person_pk>/line/", views.interview_line, name="interview_line"),
    path(
        "<int:pk>/interview/<int:person_pk>/moments/",
        views.interview_moments,
        name="interview_moments",
    ),
    path("<int:pk>/together/", views.together_page, name="together"),
    path("<int:pk>/tolerance/", views.tolerance, name="tolerance"),
    path("<int:pk>/wall/", views.wall, name="wall"),
    path("<int:pk>/overlay.<str:fmt>", views.overlay_image, name="overlay"),
    path("<int:pk>/lines/<int:line_pk>.<str:fmt>", views.line_image, name="line_image"),
    path("<int:pk>/points.csv", views.points_csv, name="points_csv"),
    path("<int:pk>/moments.csv", views.moments_csv, name="moments_csv"),
    path("<int:pk>/stories.txt", views.stories, name="stories"),
]
