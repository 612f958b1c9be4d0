from django.urls import path

from verbindend.research import interview_views, views

app_name = "research"
urlpatterns = [
    path("<slug:slug>/glossary/", views.glossary, name="glossary"),
    path("<slug:slug>/glossary/export.<slug:fmt>", views.glossary_export, name="glossary_export"),
    path("<slug:slug>/glossary/<uuid:uuid>/", views.term_detail, name="term"),
    path("<slug:slug>/literature/", views.literature, name="literature"),
    path(
        "<slug:slug>/literature/export.<slug:fmt>",
        views.literature_export,
        name="literature_export",
    ),
    path("<slug:slug>/literature/<uuid:uuid>/", views.reference_detail, name="reference"),
    path("<slug:slug>/focus-group/", views.focus_group, name="focus_group"),
    path(
        "<slug:slug>/focus-group/from-query/",
        views.focus_group_from_query,
        name="focus_group_query",
    ),
    path("<slug:slug>/comments/<slug:target>/", views.thread_list, name="comments"),
    path("<slug:slug>/comments/thread/<uuid:uuid>/resolve/", views.thread_resolve, name="resolve"),
    path("<slug:slug>/interviews/", interview_views.interview_list, name="interviews"),
    path("<slug:slug>/interviews/<int:pk>/", interview_views.interview_detail, name="interview"),
    path(
        "<slug:slug>/interviews/<int:pk>/q/<int:number>/",
        interview_views.interview_question,
        name="interview_question",
    ),
    path(
        "<slug:slug>/interviews/<int:pk>/transcript/",
        interview_views.interview_transcript,
        name="interview_transcript",
    ),
]
