from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from communa.accounts.models import Notification, PersonalAccessToken, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Operators see and edit people, with their profile fields."""

    list_display = (
        "username",
        "email",
        "display_name",
        "country",
        "language",
        "is_staff",
        "date_joined",
    )
    list_filter = ("is_staff", "is_superuser", "is_active", "gender", "language")
    search_fields = ("username", "email", "display_name", "city")
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (
            _("Profile"),
            {
                "fields": (
                    "display_name",
                    "avatar",
                    "gender",
                    "birth_year",
                    "city",
                    "country",
                    "language",
                    "time_zone",
                )
            },
        ),
    )


@admin.register(PersonalAccessToken)
class PersonalAccessTokenAdmin(admin.ModelAdmin):
    """Tokens can be inspected and revoked by operators, never read back."""

    list_display = (
        "name",
        "user",
        "prefix",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    )
    readonly_fields = ("user", "name", "prefix", "token_hash", "created_at", "last_used_at")
    search_fields = ("name", "user__username")


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Read-only: notifications are written by the actions and read by their recipient."""

    list_display = ("recipient", "kind", "community_name", "created_at", "read_at")
    list_filter = ("kind",)
    search_fields = ("recipient__username", "community_name")
    raw_id_fields = ("recipient",)

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False
