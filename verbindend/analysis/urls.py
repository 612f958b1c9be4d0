from django.urls import path

from verbindend.analysis import matrix_views, query_views, views
from verbindend.analysis.refi import views as refi
from verbindend.analysis.suggest import views as suggest_views

app_name = "analysis"
urlpatterns = [
    path("<slug:slug>/", views.codebook, name="codebook"),
    path("<slug:slug>/codebook/seed/", views.seed, name="seed"),
    path("<slug:slug>/codebook/new/", views.code_create, name="code_create"),
    path("<slug:slug>/codes/<uuid:uuid>/", views.code_detail, name="code"),
    path("<slug:slug>/codes/<uuid:uuid>/merge/", views.code_merge, name="code_merge"),
    path("<slug:slug>/codes/<uuid:uuid>/delete/", views.code_delete, name="code_delete"),
    path("<slug:slug>/documents/<int:pk>/", views.document_view, name="document"),
    path("<slug:slug>/documents/<int:pk>/text/", views.document_text, name="document_text"),
    path("<slug:slug>/documents/<int:pk>/code/", views.apply_code, name="apply"),
    path("<slug:slug>/codings/<uuid:uuid>/", views.coding_detail, name="coding"),
    path("<slug:slug>/codings/<uuid:uuid>/delete/", views.coding_delete, name="coding_delete"),
    path("<slug:slug>/codings/<uuid:uuid>/restore/", views.coding_restore, name="coding_restore"),
    path("<slug:slug>/codings/<uuid:uuid>/recode/", views.coding_recode, name="coding_recode"),
    path(
        "<slug:slug>/documents/<int:pk>/speakers/",
        views.document_speakers,
        name="document_speakers",
    ),
    path("<slug:slug>/memos/new/", views.memo_create, name="memo_create"),
    path("<slug:slug>/memos/<uuid:uuid>/edit/", views.memo_edit, name="memo_edit"),
    path("<slug:slug>/memos/<uuid:uuid>/delete/", views.memo_delete, name="memo_delete"),
    path("<slug:slug>/fragments/", matrix_views.fragments, name="fragments"),
    path("<slug:slug>/search/", query_views.search_view, name="search"),
    path("<slug:slug>/search/code/", query_views.autocode, name="autocode"),
    path("<slug:slug>/search/undo/", query_views.autocode_undo, name="autocode_undo"),
    path("<slug:slug>/queries/", query_views.query_view, name="query"),
    path("<slug:slug>/queries/save/", query_views.query_save, name="query_save"),
    path("<slug:slug>/queries/<uuid:uuid>/delete/", query_views.query_delete, name="query_delete"),
    path("<slug:slug>/relations/", query_views.relations, name="relations"),
    path("<slug:slug>/frequencies/", matrix_views.frequencies, name="frequencies"),
    path("<slug:slug>/agreement/", matrix_views.agreement, name="agreement"),
    path("<slug:slug>/matrix/<slug:kind>/", matrix_views.matrix, name="matrix"),
    path("<slug:slug>/exchange/", refi.exchange, name="exchange"),
    path("<slug:slug>/exchange/project.qdpx", refi.export_project, name="export_qdpx"),
    path("<slug:slug>/exchange/codebook.qdc", refi.export_codebook, name="export_qdc"),
    path("<slug:slug>/exchange/import/", refi.import_preview, name="import_preview"),
    path("<slug:slug>/exchange/import/confirm/", refi.import_confirm, name="import_confirm"),
    path(
        "<slug:slug>/documents/<int:pk>/suggestions/",
        suggest_views.document_suggestions,
        name="suggestions",
    ),
    path(
        "<slug:slug>/documents/<int:pk>/suggestions/find/",
        suggest_views.find,
        name="suggestions_find",
    ),
    path(
        "<slug:slug>/documents/<int:pk>/suggestions/accept/",
        suggest_views.accept_all,
        name="suggestions_accept",
    ),
    path(
        "<slug:slug>/documents/<int:pk>/suggestions/undo/",
        suggest_views.undo,
        name="suggestions_undo",
    ),
    path("<slug:slug>/suggestions/<uuid:uuid>/accept/", suggest_views.accept, name="accept"),
    path("<slug:slug>/suggestions/<uuid:uuid>/reject/", suggest_views.reject, name="reject"),
    path("<slug:slug>/suggestions/model/", suggest_views.model, name="suggest_model"),
    path("<slug:slug>/suggestions/model/train/", suggest_views.retrain, name="suggest_train"),
]
