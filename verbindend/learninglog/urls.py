from django.urls import URLPattern

app_name = "learninglog"
urlpatterns: list[URLPattern] = []
