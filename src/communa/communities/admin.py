from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communa.communities.models import Community, RequestStatus, VerificationRequest, WikiPage
from communa.core.audit import record_audit


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
    list_editable = ("featured", "featured_rank")
    search_fields = ("name", "slug")
    readonly_fields = ("member_count", "created_by", "created_at", "kind_changed_at")
    inlines = [WikiPageInline]


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
        for item in queryset.filter(status=RequestStatus.PENDING).select_related("community"):
            item.status = RequestStatus.APPROVED if approve else RequestStatus.REJECTED
            item.decided_at = timezone.now()
            item.save(update_fields=["status", "decided_at"])
            if approve:
                Community.objects.filter(pk=item.community_id).update(verified=True)
            record_audit(
                actor=request.user,
                community=item.community,
                action="verification.approve" if approve else "verification.reject",
                target=item,
            )
            done += 1
        messages.success(request, _("%(n)d requests decided.") % {"n": done})
