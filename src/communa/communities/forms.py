"""Web forms of communities: they parse input into plain values; the actions apply the rules."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from communa.accounts.models import User
from communa.accounts.selectors import users_named
from communa.communities.models import (
    Category,
    CommentPolicy,
    Community,
    JoinSource,
    Kind,
    Privacy,
    Role,
    WallMode,
)
from communa.core.moments import known_zones

UTM_FIELDS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"
MAX_USERNAMES = 100


def _datetime_input() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL)


def source_from(value: Any) -> str:
    """A join source named in a link; anything unknown counts as a direct link."""
    text = str(value or "")
    return text if text in JoinSource.values else JoinSource.DIRECT


def utm_from(query: Any) -> dict[str, str]:
    """The UTM tags a join link carries, cut to the length the database keeps."""
    return {name: str(query.get(name, ""))[:100] for name in UTM_FIELDS if query.get(name)}


def _links_text(links: list[dict[str, str]]) -> str:
    return "\n".join(f"{link.get('title', '')} | {link.get('url', '')}" for link in links or [])


def parse_links(text: str) -> list[dict[str, str]]:
    """One link a line, written "title | address" (or just the address)."""
    links = []
    for raw in (text or "").splitlines():
        line = raw.strip()
        if not line:
            continue
        title, bar, url = line.rpartition("|")
        if not bar:
            title, url = "", line
        links.append({"title": title.strip(), "url": url.strip()})
    return links


class CommunityFieldsForm(forms.Form):
    """The fields creation and the settings page share."""

    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    name = forms.CharField(label=_("Name"), max_length=120)
    slug = forms.CharField(
        label=_("Short address"),
        max_length=64,
        help_text=_("3 to 64 Latin letters, digits, dashes or underscores: /c/your-address/"),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    contacts = forms.CharField(
        label=_("Contacts"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    links = forms.CharField(
        label=_("Links"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line, as “title | https://address”."),
    )
    privacy = forms.ChoiceField(
        label=_("Privacy"),
        choices=Privacy.choices,
        help_text=_(
            "Open: anyone joins and sees the content. Closed: people ask to join and see the "
            "content once accepted. Private: only invited people know it exists. "
            "A public page is always open."
        ),
    )
    wall_mode = forms.ChoiceField(label=_("Wall"), choices=WallMode.choices)
    comment_policy = forms.ChoiceField(label=_("Comments"), choices=CommentPolicy.choices)
    links_allowed = forms.BooleanField(
        label=_("Links under posts allowed"), required=False, initial=True
    )
    obscene_filter = forms.BooleanField(
        label=_("Check for obscene language"), required=False, initial=True
    )
    event_starts_at = forms.DateTimeField(
        label=_("Event starts at"), required=False, widget=_datetime_input()
    )
    event_ends_at = forms.DateTimeField(
        label=_("Event ends at"), required=False, widget=_datetime_input()
    )
    event_place = forms.CharField(label=_("Event place"), required=False, max_length=200)
    event_capacity = forms.IntegerField(
        label=_("Places (optional)"),
        required=False,
        min_value=1,
        max_value=100_000,
        help_text=_("Shown beside who is going, such as “12 of 30 places”."),
    )

    def clean_links(self) -> list[dict[str, str]]:
        return parse_links(self.cleaned_data.get("links", ""))

    def changes(self, *, kind: str) -> dict[str, Any]:
        """The cleaned values as the actions take them (event fields only for events)."""
        data = dict(self.cleaned_data)
        if kind != Kind.EVENT:
            for name in EVENT_FIELDS:
                data.pop(name, None)
        return data


EVENT_FIELDS = ("event_starts_at", "event_ends_at", "event_place", "event_capacity")


class CreateCommunityForm(CommunityFieldsForm):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=Kind.choices,
        help_text=_(
            "In a group members post; a public page posts only as itself; an event has a date "
            "and a place."
        ),
    )
    field_order = ["kind", "category", "name", "slug"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"category": Category.INTEREST})
        super().__init__(*args, **kwargs)


def _zone_choices() -> list[tuple[str, Any]]:
    return [("", _("The site's time zone")), *((name, name) for name in sorted(known_zones()))]


class SettingsForm(CommunityFieldsForm):
    """The settings of an existing community; a public page offers no privacy but open."""

    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=_zone_choices,
        required=False,
        help_text=_("Scheduled posts go out at their time here, daylight saving included."),
    )
    approval_required = forms.BooleanField(
        label=_("Drafts need approval"),
        required=False,
        help_text=_("An administrator or the owner, not the author, approves each draft."),
    )
    hold_late_posts = forms.BooleanField(
        label=_("Hold late posts for review"),
        required=False,
        help_text=_(
            "A scheduled post whose time passed while the worker was stopped waits for approval"
            " instead of going out late."
        ),
    )

    def __init__(self, *args: Any, community: Community, **kwargs: Any) -> None:
        kwargs.setdefault("initial", self.initial_of(community))
        super().__init__(*args, **kwargs)
        self.kind = community.kind
        if community.kind == Kind.PUBLIC_PAGE:
            del self.fields["privacy"]
        if community.kind != Kind.EVENT:
            for name in EVENT_FIELDS:
                del self.fields[name]

    @staticmethod
    def initial_of(community: Community) -> dict[str, Any]:
        names = [
            "category",
            "name",
            "slug",
            "description",
            "contacts",
            "privacy",
            "wall_mode",
            "comment_policy",
            "links_allowed",
            "obscene_filter",
            "event_starts_at",
            "event_ends_at",
            "event_place",
            "event_capacity",
            "time_zone",
            "approval_required",
            "hold_late_posts",
        ]
        initial = {name: getattr(community, name) for name in names}
        initial["links"] = _links_text(community.links)
        return initial


class CoverForm(forms.Form):
    cover = forms.FileField(
        label=_("Cover"),
        help_text=_("795×200 or 1590×400 pixels; JPEG, PNG, WebP or GIF."),
    )


class AvatarForm(forms.Form):
    avatar = forms.FileField(
        label=_("Avatar"),
        help_text=_(
            "200 pixels on one side and 300 to 500 pixels on the other; JPEG, PNG, WebP or GIF."
        ),
    )


class ConvertForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Convert into"),
        choices=[(Kind.GROUP, Kind.GROUP.label), (Kind.PUBLIC_PAGE, Kind.PUBLIC_PAGE.label)],
    )


class VerificationForm(forms.Form):
    message = forms.CharField(
        label=_("Why is this community official?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    evidence_url = forms.URLField(
        label=_("Proof on the web"),
        required=False,
        max_length=200,
        assume_scheme="https",
        help_text=_("For example the page of your official website that links here."),
    )


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search communities"), required=False, max_length=100)
    cursor = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)


class JoinForm(forms.Form):
    """Where the person came from travels in hidden fields, from the link to the action."""

    source = forms.CharField(required=False, widget=forms.HiddenInput)
    utm_source = forms.CharField(required=False, widget=forms.HiddenInput)
    utm_medium = forms.CharField(required=False, widget=forms.HiddenInput)
    utm_campaign = forms.CharField(required=False, widget=forms.HiddenInput)
    utm_term = forms.CharField(required=False, widget=forms.HiddenInput)
    utm_content = forms.CharField(required=False, widget=forms.HiddenInput)

    @classmethod
    def from_link(cls, query: Any, **kwargs: Any) -> JoinForm:
        """A form pre-filled with the source and UTM tags of the link the person followed."""
        return cls(initial={"source": source_from(query.get("src")), **utm_from(query)}, **kwargs)

    def clean_source(self) -> str:
        return source_from(self.cleaned_data.get("source"))

    def utm(self) -> dict[str, str]:
        return utm_from(self.cleaned_data)


class AskToJoinForm(JoinForm):
    message = forms.CharField(
        label=_("Message to the moderators (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("reject", _("Reject"))], widget=forms.HiddenInput
    )
    # Longer reasons are cut by the action rather than refused: the click is what matters.
    reason = forms.CharField(label=_("Reason"), required=False)


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        choices=[("accept", _("Accept")), ("decline", _("Decline"))], widget=forms.HiddenInput
    )


class UsernamesField(forms.CharField):
    """Usernames separated by commas, spaces or new lines, turned into accounts."""

    def clean(self, value: Any) -> list[User]:
        text = super().clean(value)
        names = list(dict.fromkeys(n.lstrip("@") for n in re.split(r"[\s,;]+", text or "") if n))
        if not names and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        if len(names) > MAX_USERNAMES:
            raise forms.ValidationError(
                _("Name at most %(n)d people at once."), params={"n": MAX_USERNAMES}
            )
        found, unknown = users_named(names)
        if unknown:
            raise forms.ValidationError(
                _("Nobody has the username %(names)s."), params={"names": ", ".join(unknown)}
            )
        return found


class InviteForm(forms.Form):
    usernames = UsernamesField(
        label=_("Usernames"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Separate them with commas or new lines. Each person decides whether to join."),
    )


class UserField(forms.CharField):
    """One username, turned into the account."""

    def clean(self, value: Any) -> User:
        text = (super().clean(value) or "").strip().lstrip("@")
        found, unknown = users_named([text] if text else [])
        if unknown or not found:
            raise forms.ValidationError(
                _("Nobody has the username %(names)s."), params={"names": text}
            )
        return found[0]


class BlockForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)
    ends_at = forms.DateTimeField(
        label=_("Until"),
        required=False,
        widget=_datetime_input(),
        help_text=_("Leave empty to block until someone unblocks."),
    )


def _role_choices(*, may_appoint_admins: bool) -> list[tuple[str, Any]]:
    roles = [Role.EDITOR, Role.MODERATOR, Role.ANALYST, Role.MEMBER]
    if may_appoint_admins:
        roles.insert(0, Role.ADMIN)
    return [(role.value, role.label) for role in roles]


class RoleForm(forms.Form):
    user = UserField(label=_("Member's username"), max_length=150)
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args: Any, may_appoint_admins: bool, **kwargs: Any) -> None:
        # The team page shows this form beside HandoverForm: their `user` fields need distinct ids.
        kwargs.setdefault("auto_id", "id_appoint_%s")
        super().__init__(*args, **kwargs)
        self.role_choices = _role_choices(may_appoint_admins=may_appoint_admins)
        self.fields["role"] = forms.ChoiceField(label=_("Role"), choices=self.role_choices)


class HandoverForm(forms.Form):
    user = UserField(label=_("New owner's username"), max_length=150)

    def __init__(self, *args: Any, days: int = 14, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_handover_%s")
        super().__init__(*args, **kwargs)
        self.fields["user"].help_text = _(
            "They must be a member. The handover takes effect after %(days)d days; "
            "until then you or they can cancel it."
        ) % {"days": days}


class WikiPageForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    slug = forms.CharField(
        label=_("Address"),
        max_length=64,
        help_text=_("3 to 64 Latin letters, digits, dashes or underscores."),
    )
    body = forms.CharField(
        label=_("Text"),
        required=False,
        max_length=50000,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("Plain text; web addresses become links."),
    )
    position = forms.IntegerField(
        label=_("Menu position"),
        initial=0,
        min_value=0,
        max_value=1000,
        help_text=_("Pages with lower numbers come first in the menu."),
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            # The address of an existing page stays; it is part of links people shared.
            del self.fields["slug"]

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"].strip().lower()
        if slug == "new":
            raise forms.ValidationError(_("“new” is reserved; choose another address."))
        return slug
