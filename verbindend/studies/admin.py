from django.contrib import admin

from verbindend.studies.models import Case, Study, StudyRole


@admin.register(Study)
class StudyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(StudyRole)
class StudyRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "study", "role"]


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ["study", "network", "status"]
