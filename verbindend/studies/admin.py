from django.contrib import admin

from verbindend.studies.models import (
    Case,
    CaseAssessment,
    Document,
    ImportBatch,
    ImportItem,
    Interview,
    Respondent,
    StepPlan,
    Study,
    StudyRole,
)


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


@admin.register(StepPlan)
class StepPlanAdmin(admin.ModelAdmin):
    list_display = ["study", "step_key", "status", "starts_on", "ends_on"]


admin.site.register(CaseAssessment)


@admin.register(Respondent)
class RespondentAdmin(admin.ModelAdmin):
    list_display = ["person", "case", "selected"]
    raw_id_fields = ["person"]


@admin.register(Interview)
class InterviewAdmin(admin.ModelAdmin):
    list_display = ["respondent", "scheduled_at", "status"]


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "study", "kind", "length", "created_at"]
    exclude = ["text"]  # long texts are read in the reader, not the admin


class ImportItemInline(admin.TabularInline):
    model = ImportItem
    extra = 0


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["study", "status", "created_at"]
    inlines = [ImportItemInline]
