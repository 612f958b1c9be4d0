from django.urls import URLPattern

app_name = "historyline"
urlpatterns: list[URLPattern] = []
