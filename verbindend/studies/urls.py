from django.urls import path

from verbindend.studies import views

app_name = "studies"
urlpatterns = [
    path("", views.study_list, name="list"),
    path("new/", views.study_create, name="create"),
    path("<slug:slug>/", views.study_detail, name="detail"),
    path("<slug:slug>/plan/", views.step_plan, name="steps"),
    path("<slug:slug>/cases/", views.case_selection, name="selection"),
    path("<slug:slug>/cases/<int:case_pk>/assess/", views.case_assess, name="case_assess"),
    path(
        "<slug:slug>/cases/<int:case_pk>/respondents/",
        views.case_respondents,
        name="respondents",
    ),
    path("<slug:slug>/respondents/<int:pk>/", views.respondent_detail, name="respondent"),
    path("<slug:slug>/material/", views.material, name="material"),
    path("<slug:slug>/material/imports/<int:pk>/", views.batch_progress, name="batch"),
    path("<slug:slug>/material/<int:pk>/", views.document_detail, name="document"),
    path(
        "<slug:slug>/material/<int:pk>/part/<int:part>/",
        views.document_part,
        name="document_part",
    ),
    path(
        "<slug:slug>/material/<int:pk>/original/",
        views.document_original,
        name="document_original",
    ),
    path("<slug:slug>/search/", views.search, name="search"),
]
