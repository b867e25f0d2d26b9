"""Contest pages (R6.2): members read a contest's rules, send photos and vote, and verify a
draw; the team writes the rules, announces, corrects, reviews the excluded entries and marks
prizes delivered from the manage area's Engagement group."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communa.communities.permissions import Action, can
from communa.communities.selectors import community_for
from communa.communities.views import page_context
from communa.core.errors import DomainError
from communa.core.events import viewer_of
from communa.core.pagination import next_page_link, page_size
from communa.core.web import answers_refusals, cursor_of, show_error_on_form
from communa.engagement import draws
from communa.engagement.actions import contests as actions
from communa.engagement.actions import photos
from communa.engagement.actions.draws import exclusion_label, published_rules
from communa.engagement.models import (
    Contest,
    ContestKind,
    ContestState,
    CorrectableField,
    DrawSource,
    VoteScope,
)
from communa.engagement.selectors import contests as selectors

MOMENT_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _moment(label: Any, *, required: bool = True) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label, required=required, widget=MOMENT_WIDGET, input_formats=["%Y-%m-%dT%H:%M"]
    )


class ContestForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=ContestKind.choices)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=actions.TITLE_MAX)
    mechanics = forms.CharField(
        label=gettext_lazy("How to take part"),
        max_length=actions.MECHANICS_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    prize = forms.CharField(
        label=gettext_lazy("Prize"),
        max_length=actions.PRIZE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    delivery = forms.CharField(
        label=gettext_lazy("How the prize is delivered"),
        max_length=actions.DELIVERY_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    source = forms.ChoiceField(
        label=gettext_lazy("Who enters the draw"),
        choices=[("", gettext_lazy("— (photo contest)")), *DrawSource.choices],
        required=False,
    )
    post = forms.IntegerField(
        label=gettext_lazy("Post to share or comment on (its number)"),
        required=False,
        min_value=1,
        help_text=gettext_lazy("The number at the end of the post's address, /p/123/."),
    )
    winners_count = forms.IntegerField(label=gettext_lazy("Number of winners"), initial=1)
    members_only = forms.BooleanField(
        label=gettext_lazy("Members only"), required=False, initial=True
    )
    min_account_days = forms.IntegerField(
        label=gettext_lazy("Minimum account age at the close, in days"), initial=0
    )
    countries = forms.CharField(
        label=gettext_lazy("Countries"),
        required=False,
        help_text=gettext_lazy("ISO codes separated by spaces, such as DE AT CH; empty for all."),
    )
    vote_scope = forms.ChoiceField(
        label=gettext_lazy("Votes (photo contest)"),
        choices=VoteScope.choices,
        initial=VoteScope.ENTRY,
    )
    live_counts = forms.BooleanField(
        label=gettext_lazy("Show the counts while voting"), required=False, initial=True
    )
    post_winners = forms.BooleanField(
        label=gettext_lazy("Announce the winners on the wall"), required=False
    )
    announce_at = _moment(gettext_lazy("Announced on"))
    open_at = _moment(gettext_lazy("Opens on"))
    close_at = _moment(gettext_lazy("Entries close on"))
    decide_at = _moment(gettext_lazy("Draw or count on"))
    winners_at = _moment(gettext_lazy("Winners announced on (optional)"), required=False)

    def data_for_action(self) -> dict[str, Any]:
        data = {field: self.cleaned_data[field] for field in actions.FIELDS}
        data["countries"] = data["countries"] or []
        return data


def initial_of(contest: Contest) -> dict[str, Any]:
    """A contest's rules as the form's initial values."""
    initial = {field: getattr(contest, field) for field in actions.FIELDS}
    initial["post"] = contest.post_id
    initial["countries"] = " ".join(contest.countries)
    return initial


class CorrectionForm(forms.Form):
    field = forms.ChoiceField(
        label=gettext_lazy("What to correct"), choices=CorrectableField.choices
    )
    value = forms.CharField(
        label=gettext_lazy("Corrected text"),
        max_length=actions.MECHANICS_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    note = forms.CharField(
        label=gettext_lazy("What was wrong"), max_length=actions.NOTE_MAX, required=False
    )


class PhotoForm(forms.Form):
    photo = forms.FileField(label=gettext_lazy("Photo"))
    caption = forms.CharField(label=gettext_lazy("Caption"), max_length=200, required=False)


def _member_context(request: HttpRequest, contest: Contest, standing: Any) -> dict[str, Any]:
    entries = None
    next_link = None
    if contest.kind == ContestKind.PHOTO:
        page = selectors.entries_page(contest, cursor=cursor_of(request), limit=page_size(None))
        entries, next_link = page.items, next_page_link(request, page.next_cursor)
    may_take_part = can(request.user, Action.TAKE_PART, contest.community, standing=standing)
    return {
        "contest": contest,
        "rules": published_rules(contest),
        "corrections": selectors.corrections_of(contest),
        "winners": selectors.winners_of(contest),
        "entries": entries,
        "next_link": next_link,
        "voted": selectors.my_votes(request.user, contest),
        "may_take_part": may_take_part,
        "taking_photos": contest.kind == ContestKind.PHOTO
        and contest.state == ContestState.OPEN
        and may_take_part,
        "record": selectors.draw_record(contest),
        "verify_script": draws.VERIFY_SCRIPT,
        "runs": selectors.runs_contests(request.user, contest.community, standing),
    }


@answers_refusals
def contests(request: HttpRequest, slug: str) -> HttpResponse:
    """The community's contests, the latest announced first."""
    community, standing = community_for(request.user, slug, Action.VIEW_CONTENT)
    page = selectors.contests_page(
        request.user, community, cursor=cursor_of(request), limit=page_size(None), standing=standing
    )
    return render(
        request,
        "engagement/contests/list.html",
        {
            **page_context(community, standing, "contests"),
            "contests": page.items,
            "next_link": next_page_link(request, page.next_cursor),
        },
    )


@answers_refusals
def contest(request: HttpRequest, slug: str, contest_id: int) -> HttpResponse:
    """A contest's page: rules, dates, prize, state, entries, winners, corrections, Verify."""
    community, standing = community_for(request.user, slug, Action.VIEW_CONTENT)
    found = selectors.contest_in(request.user, community, contest_id, standing)
    return render(
        request,
        "engagement/contests/contest.html",
        {
            **page_context(community, standing, "contests"),
            **_member_context(request, found, standing),
            "photo_form": PhotoForm(),
        },
    )


@login_required
@answers_refusals
def contest_enter(request: HttpRequest, slug: str, contest_id: int) -> HttpResponse:
    """Send a photo (POST, multipart)."""
    community, standing = community_for(request.user, slug, Action.VIEW_CONTENT)
    found = selectors.contest_in(request.user, community, contest_id, standing)
    if request.method != "POST":
        return redirect("engagement:contest", community.slug, found.pk)
    form = PhotoForm(request.POST, request.FILES)
    status = 400
    if form.is_valid():
        try:
            photos.submit_photo(
                actor=request.user,
                contest=found,
                upload=form.cleaned_data["photo"],
                caption=form.cleaned_data["caption"],
                viewer=viewer_of(request),
            )
        except DomainError as exc:
            status = show_error_on_form(form, exc)
        else:
            messages.success(request, _("Your photo is in the contest."))
            return redirect("engagement:contest", community.slug, found.pk)
    return render(
        request,
        "engagement/contests/contest.html",
        {
            **page_context(community, standing, "contests"),
            **_member_context(request, found, standing),
            "photo_form": form,
        },
        status=status,
    )


@login_required
@answers_refusals
def contest_vote(request: HttpRequest, slug: str, contest_id: int, entry_id: int) -> HttpResponse:
    """Vote for a photo, or take the vote back with `undo` (POST)."""
    community, standing = community_for(request.user, slug, Action.VIEW_CONTENT)
    found = selectors.contest_in(request.user, community, contest_id, standing)
    back = redirect("engagement:contest", community.slug, found.pk)
    if request.method != "POST":
        return back
    entry = selectors.entry_in(found, entry_id)
    if request.POST.get("undo"):
        photos.take_back_vote(actor=request.user, entry=entry)
        messages.success(request, _("Your vote has been taken back."))
    else:
        photos.vote_for_entry(actor=request.user, entry=entry, viewer=viewer_of(request))
        messages.success(request, _("Your vote has been counted."))
    back["Location"] += f"#entry-{entry.number}"
    return back


# --- the manage area ---------------------------------------------------------------------------


@login_required
@answers_refusals
def manage_contests(request: HttpRequest, slug: str) -> HttpResponse:
    """The team's contests, drafts included, with a form to write a new one."""
    community, standing = community_for(request.user, slug, Action.RUN_ENGAGEMENT)
    form = ContestForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                made = actions.create_contest(
                    actor=request.user, community=community, data=form.data_for_action()
                )
            except DomainError as exc:
                status = show_error_on_form(form, exc)
            else:
                messages.success(request, _("The contest is saved as a draft."))
                return redirect("engagement:manage_contest", community.slug, made.pk)
        else:
            status = 400
    page = selectors.contests_page(
        request.user, community, cursor=cursor_of(request), limit=page_size(None), standing=standing
    )
    return render(
        request,
        "engagement/contests/manage_list.html",
        {
            **page_context(community, standing, "manage_contests"),
            "contests": page.items,
            "next_link": next_page_link(request, page.next_cursor),
            "form": form,
        },
        status=status,
    )


def _manage_page(
    request: HttpRequest,
    community: Any,
    standing: Any,
    found: Contest,
    *,
    form: ContestForm | None = None,
    correction_form: CorrectionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "engagement/contests/manage.html",
        {
            **page_context(community, standing, "manage_contests"),
            "contest": found,
            "form": form or ContestForm(initial=initial_of(found)),
            "correction_form": correction_form or CorrectionForm(),
            "rules": published_rules(found),
            "corrections": selectors.corrections_of(found),
            "winners": selectors.winners_of(found),
            "excluded": [
                (entry, exclusion_label(entry.excluded))
                for entry in selectors.excluded_entries(found)
            ],
            "record": selectors.draw_record(found),
        },
        status=status,
    )


@login_required
@answers_refusals
def manage_contest(request: HttpRequest, slug: str, contest_id: int) -> HttpResponse:
    """One contest for the team: its rules (editable until it opens), announce, corrections,
    excluded entries, winners and their prizes."""
    community, standing = community_for(request.user, slug, Action.RUN_ENGAGEMENT)
    found = selectors.contest_in(request.user, community, contest_id, standing)
    if request.method != "POST":
        return _manage_page(request, community, standing, found)
    form = ContestForm(request.POST, initial=initial_of(found))
    if not form.is_valid():
        return _manage_page(request, community, standing, found, form=form, status=400)
    try:
        actions.update_contest(actor=request.user, contest=found, data=form.data_for_action())
    except DomainError as exc:
        status = show_error_on_form(form, exc)
        found = selectors.contest_in(request.user, community, contest_id, standing)
        return _manage_page(request, community, standing, found, form=form, status=status)
    messages.success(request, _("The rules have been saved."))
    return redirect("engagement:manage_contest", community.slug, found.pk)


@login_required
@answers_refusals
def manage_contest_announce(request: HttpRequest, slug: str, contest_id: int) -> HttpResponse:
    """Announce a draft (POST)."""
    community, standing = community_for(request.user, slug, Action.RUN_ENGAGEMENT)
    found = selectors.contest_in(request.user, community, contest_id, standing)
    if request.method == "POST":
        actions.announce_contest(actor=request.user, contest=found)
        messages.success(request, _("The contest is announced, with its commitment."))
    return redirect("engagement:manage_contest", community.slug, found.pk)


@login_required
@answers_refusals
def manage_contest_delete(request: HttpRequest, slug: str, contest_id: int) -> HttpResponse:
    """Throw away a draft (POST)."""
    community, standing = community_for(request.user, slug, Action.RUN_ENGAGEMENT)
    found = selectors.contest_in(request.user, community, contest_id, standing)
    if request.method != "POST":
        return redirect("engagement:manage_contest", community.slug, found.pk)
    actions.delete_contest(actor=request.user, contest=found)
    messages.success(request, _("The draft has been deleted."))
    return redirect("engagement:manage_contests", community.slug)


@login_required
@answers_refusals
def manage_contest_correct(request: HttpRequest, slug: str, contest_id: int) -> HttpResponse:
    """Correct a typo in frozen rules (POST)."""
    community, standing = community_for(request.user, slug, Action.RUN_ENGAGEMENT)
    found = selectors.contest_in(request.user, community, contest_id, standing)
    if request.method != "POST":
        return redirect("engagement:manage_contest", community.slug, found.pk)
    form = CorrectionForm(request.POST)
    if not form.is_valid():
        return _manage_page(request, community, standing, found, correction_form=form, status=400)
    try:
        actions.correct_contest(actor=request.user, contest=found, **form.cleaned_data)
    except DomainError as exc:
        status = show_error_on_form(form, exc)
        return _manage_page(
            request, community, standing, found, correction_form=form, status=status
        )
    messages.success(request, _("The correction is published on the contest's page."))
    return redirect("engagement:manage_contest", community.slug, found.pk)


@login_required
@answers_refusals
def manage_contest_delivered(
    request: HttpRequest, slug: str, contest_id: int, winner_id: int
) -> HttpResponse:
    """Mark a winner's prize delivered (POST)."""
    community, standing = community_for(request.user, slug, Action.RUN_ENGAGEMENT)
    found = selectors.contest_in(request.user, community, contest_id, standing)
    if request.method == "POST":
        winner = selectors.winner_in(found, winner_id)
        actions.mark_prize_delivered(
            actor=request.user, winner=winner, note=request.POST.get("note", "")
        )
        messages.success(request, _("The prize is marked delivered."))
    return redirect("engagement:manage_contest", community.slug, found.pk)
