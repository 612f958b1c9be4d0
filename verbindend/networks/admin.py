from django.contrib import admin

from verbindend.networks.models import (
    Network,
    NetworkRole,
    Organisation,
    OrganisationMembership,
    Person,
)


class MembershipInline(admin.TabularInline):
    model = OrganisationMembership
    extra = 0


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "phase", "scale"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "sector", "size"]
    search_fields = ["name"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "network", "organisation", "lead_role", "tenure"]
    list_filter = ["network"]
    search_fields = ["name", "email"]


@admin.register(NetworkRole)
class NetworkRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "network", "role"]
    list_filter = ["role"]
