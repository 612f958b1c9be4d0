from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from verbindend.accounts.models import Invitation, User


@admin.register(User)
class VerbindendUserAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("Verbindend", {"fields": ("preferred_language",)}))  # type: ignore[misc]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "role", "network", "study", "created_at", "accepted_at"]
    list_filter = ["role"]
    search_fields = ["email"]
