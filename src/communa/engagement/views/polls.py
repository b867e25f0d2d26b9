"""Poll pages (R6.1): the community's polls and each poll for members (vote, results, voters),
the live poll under a post (an htmx fragment), and the team's pages in the manage area (list,
create, edit before the first vote, close, delete)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from communa.communities.models import Community
from communa.communities.permissions import Action, Standing
from communa.communities.selectors import community_at, community_for
from communa.communities.views import page_context
from communa.core.errors import DomainError, NotFound, PermissionRefused, ValidationFailed
from communa.core.events import viewer_of
from communa.core.pagination import next_page_link, page_size
from communa.core.web import answers_refusals, cursor_of, show_error_on_form
from communa.engagement.actions import polls as actions
from communa.engagement.models import Poll, ResultsShown
from communa.engagement.selectors import polls as selectors
from communa.walls.models import Post, PostStatus

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"
# The posts a poll may be attached to from the form: the community's latest published ones.
POSTS_OFFERED = 50


class PollForm(forms.Form):
    question = forms.CharField(label=gettext_lazy("Question"), max_length=actions.QUESTION_MAX)
    options = forms.CharField(
        label=gettext_lazy("Options"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("One option a line."),
    )
    multiple = forms.TypedChoiceField(
        label=gettext_lazy("Choices"),
        choices=[
            ("0", gettext_lazy("One choice")),
            ("1", gettext_lazy("Several choices")),
        ],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        initial="0",
    )
    max_choices = forms.IntegerField(
        label=gettext_lazy("At most this many choices"),
        min_value=1,
        required=False,
        help_text=gettext_lazy("With several choices; leave it empty for no limit."),
    )
    anonymous = forms.TypedChoiceField(
        label=gettext_lazy("Voters"),
        choices=[
            ("1", gettext_lazy("Anonymous: nobody sees who voted")),
            ("0", gettext_lazy("Public: who voted for what is shown with the results")),
        ],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        initial="1",
    )
    results_shown = forms.ChoiceField(
        label=gettext_lazy("Members see the results"),
        choices=ResultsShown.choices,
        widget=forms.RadioSelect,
        initial=ResultsShown.AFTER_VOTE,
    )
    changeable = forms.BooleanField(
        label=gettext_lazy("Members may change their vote until the poll closes"),
        required=False,
        initial=True,
    )
    closes_at = forms.DateTimeField(
        label=gettext_lazy("Closes at"),
        required=False,
        input_formats=[DATETIME_LOCAL],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
        help_text=gettext_lazy("In your time zone; leave it empty to close the poll by hand."),
    )
    post_id = forms.TypedChoiceField(
        label=gettext_lazy("Show under a post"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=gettext_lazy("Or leave it on its own page."),
    )

    def __init__(self, *args: Any, posts: list[Post], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[Any, str]] = [("", _("No post: a poll of its own"))]
        choices += [(post.pk, f"#{post.pk} · {str(post)[:70]}") for post in posts]
        self.fields["post_id"].choices = choices  # type: ignore[attr-defined]

    def data_for_action(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["options"] = [line for line in data["options"].splitlines() if line.strip()]
        return data


def _posts_offered(community: Community, poll: Poll | None = None) -> list[Post]:
    found = list(
        Post.objects.filter(community=community, status=PostStatus.PUBLISHED)
        .filter(polls__isnull=True)
        .order_by("-published_at", "-id")[:POSTS_OFFERED]
    )
    if poll is not None and poll.post_id and all(post.pk != poll.post_id for post in found):
        attached = Post.objects.filter(pk=poll.post_id).first()
        if attached is not None:
            found.insert(0, attached)
    return found


def _initial(poll: Poll) -> dict[str, Any]:
    return {
        "question": poll.question,
        "options": "\n".join(option.text for option in poll.options.all()),
        "multiple": "1" if poll.multiple else "0",
        "max_choices": poll.max_choices,
        "anonymous": "1" if poll.anonymous else "0",
        "results_shown": poll.results_shown,
        "changeable": poll.changeable,
        "closes_at": poll.closes_at,
        "post_id": poll.post_id or "",
    }


# --- members -------------------------------------------------------------------------------


def _visible(request: HttpRequest, slug: str) -> tuple[Community, Standing]:
    community = community_at(slug)
    if community is None:
        raise NotFound
    return community, selectors.require_poll_visible(request.user, community)


def poll_context(request: HttpRequest, poll: Poll, standing: Standing) -> dict[str, Any]:
    view = selectors.poll_view(request.user, poll, standing)
    return {
        "poll": poll,
        "view": view,
        "slug": poll.community.slug,
        "may_vote_now": view.may_vote and not view.closed and (not view.voted or poll.changeable),
    }


@require_GET
@answers_refusals
def polls(request: HttpRequest, slug: str) -> HttpResponse:
    """The community's polls, newest first, for whoever may read its content."""
    community, standing = _visible(request, slug)
    page = selectors.polls_page(community, cursor=cursor_of(request), limit=page_size(None))
    return render(
        request,
        "engagement/polls/list.html",
        {
            **page_context(community, standing, "polls"),
            "polls": [(poll, selectors.is_closed(poll)) for poll in page.items],
            "next_link": next_page_link(request, page.next_cursor),
        },
    )


@require_GET
@answers_refusals
def poll(request: HttpRequest, slug: str, poll_id: int) -> HttpResponse:
    """One poll: the vote form while it is open, the results as its rule shows them."""
    community, standing = _visible(request, slug)
    found = selectors.poll_in(community, poll_id)
    return render(
        request,
        "engagement/polls/poll.html",
        {**page_context(community, standing, "polls"), **poll_context(request, found, standing)},
    )


@require_GET
@answers_refusals
def poll_card(request: HttpRequest, slug: str, poll_id: int) -> HttpResponse:
    """The live poll as a fragment: what htmx puts under a post, and answers a vote with."""
    community, standing = _visible(request, slug)
    found = selectors.poll_in(community, poll_id)
    return render(
        request,
        "engagement/polls/_poll.html",
        {**poll_context(request, found, standing), "in_card": True},
    )


def _back(request: HttpRequest, found: Poll) -> HttpResponse:
    target = str(request.POST.get("next") or "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("engagement:poll", found.community.slug, found.pk)


def _answer(request: HttpRequest, found: Poll, standing: Standing) -> HttpResponse:
    """The live poll for htmx (as it stands now), else back to where the form was sent from."""
    if getattr(request, "htmx", False):
        context = {
            **poll_context(request, selectors.poll_by_id(found.pk), standing),
            "in_card": request.POST.get("in_card") == "1",
        }
        return render(request, "engagement/polls/_poll.html", context)
    return _back(request, found)


@login_required
@require_POST
@answers_refusals
def vote(request: HttpRequest, slug: str, poll_id: int) -> HttpResponse:
    """Cast or change one's vote (the form's `option` values)."""
    community, standing = community_for(request.user, slug, Action.TAKE_PART)
    found = selectors.poll_in(community, poll_id)
    # A value that is no option's id is refused by the action like another poll's option.
    chosen = [int(v) if v.isdigit() and len(v) < 19 else 0 for v in request.POST.getlist("option")]
    try:
        _ballot, outcome = actions.vote_in_poll(
            actor=request.user, poll=found, option_ids=chosen, viewer=viewer_of(request)
        )
    except ValidationFailed as exc:
        if getattr(request, "htmx", False):
            raise  # the page's alert area says why
        reasons = [message for messages in exc.fields.values() for message in messages]
        context = {
            **page_context(community, standing, "polls"),
            **poll_context(request, found, standing),
            "errors": reasons or [exc.message],
        }
        return render(request, "engagement/polls/poll.html", context, status=exc.status)
    if getattr(request, "htmx", False):
        pass  # the live poll it answers with shows the vote
    elif outcome == actions.CHANGED:
        messages.success(request, _("Your vote has been changed."))
    elif outcome == actions.CAST:
        messages.success(request, _("Thank you: your vote is counted."))
    return _answer(request, found, standing)


@login_required
@require_POST
@answers_refusals
def withdraw(request: HttpRequest, slug: str, poll_id: int) -> HttpResponse:
    """Take one's vote back, where the poll lets votes change."""
    community, standing = community_for(request.user, slug, Action.TAKE_PART)
    found = selectors.poll_in(community, poll_id)
    actions.withdraw_vote(actor=request.user, poll=found)
    if not getattr(request, "htmx", False):
        messages.success(request, _("Your vote has been taken back."))
    return _answer(request, found, standing)


@require_GET
@answers_refusals
def voters(request: HttpRequest, slug: str, poll_id: int) -> HttpResponse:
    """Who voted in a public poll, an option at a time or all, the latest first."""
    community, standing = _visible(request, slug)
    found = selectors.poll_in(community, poll_id)
    view = selectors.poll_view(request.user, found, standing)
    if found.anonymous:
        raise PermissionRefused(_("This poll is anonymous: its voters are not shown."))
    if view.results is None:
        raise PermissionRefused(_("The results, and who voted, are not shown to you yet."))
    options = {option.pk: option for option in view.options}
    option = None
    raw = request.GET.get("option", "")
    if raw:
        if not raw.isdigit() or int(raw) not in options:
            raise NotFound
        option = options[int(raw)]
    page = selectors.voters_page(
        found,
        option_id=option.pk if option else None,
        cursor=cursor_of(request),
        limit=page_size(None),
    )
    ballots = [
        (ballot, [options[c.option_id] for c in ballot.choices.all() if c.option_id in options])
        for ballot in page.items
    ]
    return render(
        request,
        "engagement/polls/voters.html",
        {
            **page_context(community, standing, "polls"),
            "poll": found,
            "view": view,
            "option": option,
            "ballots": ballots,
            "next_link": next_page_link(request, page.next_cursor),
        },
    )


# --- the team ----------------------------------------------------------------------------------


@login_required
@answers_refusals
def manage_polls(request: HttpRequest, slug: str) -> HttpResponse:
    """The team's list of the community's polls, with their state and votes."""
    community, standing = community_for(request.user, slug, Action.RUN_ENGAGEMENT)
    page = selectors.polls_page(community, cursor=cursor_of(request), limit=page_size(None))
    counts = selectors.voter_counts([poll.pk for poll in page.items])
    return render(
        request,
        "engagement/polls/manage.html",
        {
            **page_context(community, standing, "manage_polls"),
            "polls": [
                (poll, selectors.is_closed(poll), counts.get(poll.pk, 0)) for poll in page.items
            ],
            "next_link": next_page_link(request, page.next_cursor),
        },
    )


@login_required
@answers_refusals
def new_poll(request: HttpRequest, slug: str) -> HttpResponse:
    """Create a poll (GET shows the form; `?post=<id>` picks the post to show it under)."""
    community, standing = community_for(request.user, slug, Action.RUN_ENGAGEMENT)
    posts = _posts_offered(community)
    initial = {}
    if request.GET.get("post", "").isdigit():
        initial["post_id"] = int(request.GET["post"])
    form = PollForm(request.POST or None, posts=posts, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                created = actions.create_poll(
                    actor=request.user, community=community, data=form.data_for_action()
                )
            except DomainError as exc:
                status = show_error_on_form(form, exc)
            else:
                messages.success(request, _("The poll is open."))
                return redirect("engagement:poll", community.slug, created.pk)
        else:
            status = 400
    return render(
        request,
        "engagement/polls/form.html",
        {**page_context(community, standing, "manage_polls"), "form": form, "poll": None},
        status=status,
    )


@login_required
@answers_refusals
def edit_poll(request: HttpRequest, slug: str, poll_id: int) -> HttpResponse:
    """Change a poll: everything before the first vote, then its closing time and post."""
    community, standing = community_for(request.user, slug, Action.RUN_ENGAGEMENT)
    found = selectors.poll_in(community, poll_id)
    form = PollForm(
        request.POST or None, posts=_posts_offered(community, found), initial=_initial(found)
    )
    voted = selectors.voter_counts([found.pk]).get(found.pk, 0) > 0
    if voted:
        for name, field in form.fields.items():
            if name not in actions.AFTER_VOTES:
                field.disabled = True
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.data_for_action()
            if voted:
                data = {key: value for key, value in data.items() if key in actions.AFTER_VOTES}
            try:
                actions.update_poll(actor=request.user, poll=found, data=data)
            except DomainError as exc:
                status = show_error_on_form(form, exc)
            else:
                messages.success(request, _("The poll has been saved."))
                return redirect("engagement:poll", community.slug, found.pk)
        else:
            status = 400
    return render(
        request,
        "engagement/polls/form.html",
        {
            **page_context(community, standing, "manage_polls"),
            "form": form,
            "poll": found,
            "voted": voted,
            "closed": selectors.is_closed(found),
        },
        status=status,
    )


@login_required
@require_POST
@answers_refusals
def close_poll(request: HttpRequest, slug: str, poll_id: int) -> HttpResponse:
    """Close a poll now (POST)."""
    community, _standing = community_for(request.user, slug, Action.RUN_ENGAGEMENT)
    found = selectors.poll_in(community, poll_id)
    actions.close_poll(actor=request.user, poll=found)
    messages.success(request, _("The poll is closed."))
    return redirect("engagement:poll", community.slug, found.pk)


@login_required
@require_POST
@answers_refusals
def delete_poll(request: HttpRequest, slug: str, poll_id: int) -> HttpResponse:
    """Delete a poll and its votes (POST)."""
    community, _standing = community_for(request.user, slug, Action.RUN_ENGAGEMENT)
    found = selectors.poll_in(community, poll_id)
    actions.delete_poll(actor=request.user, poll=found)
    messages.success(
        request, _("The poll “%(question)s” has been deleted.") % {"question": found.question}
    )
    return redirect("engagement:manage_polls", community.slug)


__all__ = [
    "close_poll",
    "delete_poll",
    "edit_poll",
    "manage_polls",
    "new_poll",
    "poll",
    "poll_card",
    "polls",
    "vote",
    "voters",
    "withdraw",
]
