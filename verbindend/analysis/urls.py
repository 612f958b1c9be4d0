from django.urls import path

from verbindend.analysis import views
from verbindend.analysis.refi import views as refi

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
    path("<slug:slug>/memos/new/", views.memo_create, name="memo_create"),
    path("<slug:slug>/memos/<uuid:uuid>/edit/", views.memo_edit, name="memo_edit"),
    path("<slug:slug>/memos/<uuid:uuid>/delete/", views.memo_delete, name="memo_delete"),
    path("<slug:slug>/fragments/", views.fragments, name="fragments"),
    path("<slug:slug>/frequencies/", views.frequencies, name="frequencies"),
    path("<slug:slug>/agreement/", views.agreement, name="agreement"),
    path("<slug:slug>/matrix/<slug:kind>/", views.matrix, name="matrix"),
    path("<slug:slug>/exchange/", refi.exchange, name="exchange"),
    path("<slug:slug>/exchange/project.qdpx", refi.export_project, name="export_qdpx"),
    path("<slug:slug>/exchange/codebook.qdc", refi.export_codebook, name="export_qdc"),
    path("<slug:slug>/exchange/import/", refi.import_preview, name="import_preview"),
    path("<slug:slug>/exchange/import/confirm/", refi.import_confirm, name="import_confirm"),
]
