from django.urls import path

from verbindend.core.scopes import scope_paths
from verbindend.live import history, phone_views, synthesis_views, views
from verbindend.privacy import urls as privacy_urls

app_name = "live"
urlpatterns = [
    path("join/", phone_views.join, name="join"),
    path("s/<str:public_id>/", phone_views.phone, name="phone"),
    path("s/<str:public_id>/step/", phone_views.phone_step, name="phone_step"),
    path("s/<str:public_id>/slide/<int:step>/", phone_views.slide_picture, name="slide_picture"),
    path("s/<str:public_id>/answer/", phone_views.phone_answer, name="phone_answer"),
    path("s/<str:public_id>/history/<int:step_pk>/line/", history.save_line, name="history_line"),
    path(
        "s/<str:public_id>/history/<int:step_pk>/moments/",
        history.add_moment,
        name="history_moment",
    ),
    # the participant's own data, by the token their phone holds (the cookie lives under /live/)
    *privacy_urls.participant_patterns,
    *scope_paths("", views.sessions, ""),
    *scope_paths("new/", views.create, "create"),
    path("<int:pk>/", views.console, name="console"),
    path("<int:pk>/panel/", views.console_panel, name="panel"),
    path("<int:pk>/control/", views.control, name="control"),
    path("<int:pk>/steps/", views.steps, name="steps"),
    path("<int:pk>/duplicate/", views.duplicate, name="duplicate"),
    path("<int:pk>/invite/", views.invite, name="invite"),
    path("<int:pk>/enter/", views.enter, name="enter"),
    path("<int:pk>/themes/", views.add_theme, name="add_theme"),
    path("<int:pk>/contributions/<int:cid>/", views.moderate, name="moderate"),
    path("<int:pk>/wall/", views.wall, name="wall"),
    path("<int:pk>/wall/frame/", views.wall_frame, name="wall_frame"),
    path("<int:pk>/stream/", views.stream, name="stream"),
    path("<int:pk>/qr.svg", views.qr, name="qr"),
    path("<int:pk>/qr.png", views.qr, {"fmt": "png"}, name="qr_png"),
    path("<int:pk>/handout/", views.handout, name="handout"),
    path("<int:pk>/synthesis/", synthesis_views.synthesis_view, name="synthesis"),
    path("<int:pk>/share/", synthesis_views.share, name="share"),
    path("<int:pk>/export.<str:fmt>", synthesis_views.export, name="export"),
]
