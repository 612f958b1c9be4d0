from django.urls import path

from verbindend.method import views

app_name = "method"
urlpatterns = [
    path("", views.guide, name="guide"),
]
