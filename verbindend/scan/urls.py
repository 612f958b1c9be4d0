from django.urls import path, register_converter

from verbindend.scan import views


class _Kind:
    regex = "[ic]"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class _Format:
    regex = "svg|png|csv|xlsx"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(_Kind, "kind")
register_converter(_Format, "fmt")

app_name = "scan"
urlpatterns = [
    path("n/<slug:slug>/", views.network_scan, name="network"),
    path("n/<slug:slug>/new/", views.round_create, name="create"),
    path("n/<slug:slug>/<int:pk>/", views.round_detail, name="round"),
    path("n/<slug:slug>/<int:pk>/mine/", views.round_mine, name="mine"),
    path("n/<slug:slug>/<int:pk>/invite/", views.round_invite, name="invite"),
    path("n/<slug:slug>/<int:pk>/close/", views.round_close, name="close"),
    path("n/<slug:slug>/<int:pk>/confirm/", views.round_confirm, name="confirm"),
    path("n/<slug:slug>/<int:pk>/release/", views.round_release, name="release"),
    path("n/<slug:slug>/<int:pk>/qr.svg", views.round_qr, name="qr"),
    path("n/<slug:slug>/<int:pk>/agenda/", views.round_agenda, name="agenda"),
    path("n/<slug:slug>/<int:pk>/radar.<fmt:fmt>", views.round_radar, name="radar"),
    path("n/<slug:slug>/<int:pk>/answers.<fmt:fmt>", views.round_export, name="export"),
    path("r/<kind:kind>/<str:key>/", views.respond_start, name="start"),
    path("r/<kind:kind>/<str:key>/<int:n>/", views.respond_page, name="page"),
    path("r/<kind:kind>/<str:key>/item/", views.respond_item, name="item"),
    path("r/<kind:kind>/<str:key>/done/", views.respond_done, name="done"),
]
