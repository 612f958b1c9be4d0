from django.contrib import admin

from verbindend.privacy.models import ConsentRecord


@admin.register(ConsentRecord)
class ConsentRecordAdmin(admin.ModelAdmin):
    list_display = ["person", "purpose", "text_version", "given_at", "withdrawn_at"]
