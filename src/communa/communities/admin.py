from typing import Any, cast

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from communa.accounts.models import User
from communa.communities.actions import decide_verification, feature_community
from communa.communities.models import Community, RequestStatus, VerificationRequest, WikiPage
from communa.core.errors import DomainError


def _operator(request: HttpRequest) -> User:
    """The admin's user: logged in and staff, or the admin would not have let them in."""
    return cast(User, request.user)


class WikiPageInline(admin.TabularInline):
    model = WikiPage
    extra = 0
    fields = ("position", "title", "slug")


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    """Operators curate the catalog (featured, position) and grant the verified mark."""

    list_display = (
        "name",
        "slug",
        "kind",
        "privacy",
        "member_count",
        "verified",
        "featured",
        "featured_rank",
    )
    list_filter = ("kind", "privacy", "verified", "featured", "category")
    actions = ["feature", "unfeature"]
    search_fields = ("name", "slug")
    readonly_fields = ("member_count", "created_by", "created_at", "kind_changed_at")
    inlines = [WikiPageInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Community | None = None) -> tuple:
        # The verified mark comes only from approving a verification request.
        return (*self.readonly_fields, "verified")

    def save_model(self, request: HttpRequest, obj: Community, form: Any, change: bool) -> None:
        """Featuring goes through its action (audited); the other fields are saved as usual."""
        wanted = (obj.featured, obj.featured_rank)
        if change and {"featured", "featured_rank"} & set(form.changed_data):
            old = Community.objects.get(pk=obj.pk)
            obj.featured, obj.featured_rank = old.featured, old.featured_rank
            super().save_model(request, obj, form, change)
            feature_community(
                actor=_operator(request), community=obj, featured=wanted[0], rank=wanted[1]
            )
        else:
            super().save_model(request, obj, form, change)

    @admin.action(description=_("Feature in the catalog"))
    def feature(self, request: HttpRequest, queryset: QuerySet[Community]) -> None:
        for community in queryset:
            feature_community(actor=_operator(request), community=community, featured=True)
        messages.success(request, _("%(n)d communities featured.") % {"n": queryset.count()})

    @admin.action(description=_("Remove from the featured list"))
    def unfeature(self, request: HttpRequest, queryset: QuerySet[Community]) -> None:
        for community in queryset:
            feature_community(actor=_operator(request), community=community, featured=False)
        count = queryset.count()
        messages.success(
            request, _("%(n)d communities removed from the featured list.") % {"n": count}
        )


@admin.register(VerificationRequest)
class VerificationRequestAdmin(admin.ModelAdmin):
    """Review verification requests; approving marks the community verified."""

    list_display = ("community", "requested_by", "status", "created_at", "evidence_url")
    list_filter = ("status",)
    readonly_fields = (
        "community",
        "requested_by",
        "message",
        "evidence_url",
        "created_at",
        "decided_at",
    )
    actions = ["approve", "reject"]

    @admin.action(description=_("Approve: mark the communities verified"))
    def approve(self, request: HttpRequest, queryset: QuerySet[VerificationRequest]) -> None:
        self._decide(request, queryset, approve=True)

    @admin.action(description=_("Reject"))
    def reject(self, request: HttpRequest, queryset: QuerySet[VerificationRequest]) -> None:
        self._decide(request, queryset, approve=False)

    def _decide(
        self, request: HttpRequest, queryset: QuerySet[VerificationRequest], *, approve: bool
    ) -> None:
        done = 0
        for item in queryset.filter(status=RequestStatus.PENDING):
            try:
                decide_verification(actor=_operator(request), request=item, approve=approve)
            except DomainError as exc:
                messages.error(request, f"{item}: {exc}")
            else:
                done += 1
        messages.success(request, _("%(n)d requests decided.") % {"n": done})
