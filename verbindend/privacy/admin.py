from django.contrib import admin
from django.http import HttpRequest

from verbindend.privacy.models import AuditEvent, ConsentRecord, ConsentText, RetentionPolicy


@admin.register(ConsentRecord)
class ConsentRecordAdmin(admin.ModelAdmin):
    list_display = ["person", "purpose", "text_version", "given_at", "withdrawn_at"]


@admin.register(ConsentText)
class ConsentTextAdmin(admin.ModelAdmin):
    """New wording is a new version: a version people may have agreed to is never edited."""

    list_display = ["purpose", "version", "published_on"]
    list_filter = ["purpose"]

    def get_readonly_fields(
        self, request: HttpRequest, obj: ConsentText | None = None
    ) -> list[str]:
        return ["purpose", "version", "text_nl", "text_en", "published_on"] if obj else []


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "subject_type", "subject_id", "network", "detail"]
    list_filter = ["action", "subject_type"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(RetentionPolicy)
class RetentionPolicyAdmin(admin.ModelAdmin):
    list_display = ["network", "months", "updated_at"]
