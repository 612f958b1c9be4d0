from django.urls import path

from verbindend.studies import views

app_name = "studies"
urlpatterns = [
    path("", views.study_list, name="list"),
    path("new/", views.study_create, name="create"),
    path("<slug:slug>/", views.study_detail, name="detail"),
]
