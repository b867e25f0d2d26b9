"""Forms of the wall pages: they parse what the browser sent; the actions judge it.

Field names follow the names the actions use in their per-field reasons (`body`, `link_url`,
`images`, `rubric`…), so `core.web.show_error_on_form` puts each reason beside its field.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from communa.communities.models import Rubric, Tone
from communa.core.forms import MultipleFileField
from communa.core.gate import ReportReason
from communa.walls.models import Signature

IMAGE_GUIDANCE = _("Up to 10 images. Recommended post image: 510×510 px.")
MARKDOWN_HINT = _(
    "You can write **bold**, *italic*, [a link](https://example.org), "
    "lists starting with “- ” and quotes starting with “> ”."
)


def _rubric_choices(rubrics: Any) -> list[tuple[str, str]]:
    return [(str(rubric.pk), rubric.label) for rubric in rubrics]


LINK_TAG_LABELS = {
    "utm_source": _("Source (utm_source)"),
    "utm_medium": _("Medium (utm_medium)"),
    "utm_campaign": _("Campaign (utm_campaign)"),
    "utm_content": _("Content (utm_content)"),
}


class LabelsMixin:
    """The labels only the team chooses: rubric, tone, promotional, signature (R2.7, R8.1), and
    the UTM tags of the post's links (R8.8)."""

    fields: dict[str, forms.Field]

    def add_labels(
        self, rubrics: list[Rubric], *, signature: bool = True, link_tags: bool = True
    ) -> None:
        self.fields["rubric"] = forms.ChoiceField(
            label=_("Rubric"),
            choices=[("", _("Default")), *_rubric_choices(rubrics)],
            required=False,
        )
        self.fields["tone"] = forms.ChoiceField(
            label=_("Tone"),
            choices=[("", _("The rubric's default")), *Tone.choices],
            required=False,
        )
        self.fields["promotional"] = forms.BooleanField(label=_("Promotional"), required=False)
        if signature:
            self.fields["signed_as"] = forms.ChoiceField(
                label=_("Sign"),
                choices=[
                    (Signature.COMMUNITY, _("As the community")),
                    (Signature.AUTHOR, _("As me")),
                ],
                initial=Signature.COMMUNITY,
                required=False,
                widget=forms.RadioSelect,
            )
        if link_tags:
            for name, label in LINK_TAG_LABELS.items():
                # The action checks the length and says so; the browser stops at it first.
                self.fields[name] = forms.CharField(
                    label=label, required=False, widget=forms.TextInput(attrs={"maxlength": 100})
                )

    def labels(self, cleaned: dict[str, Any]) -> dict[str, Any]:
        """The labels as the actions take them; absent for people outside the team."""
        if "rubric" not in self.fields:
            return {}
        data: dict[str, Any] = {
            "rubric": cleaned.get("rubric") or None,
            "tone": cleaned.get("tone") or "",
            "promotional": bool(cleaned.get("promotional")),
        }
        if cleaned.get("signed_as"):
            # Left out, the action keeps the post's signature (or signs as the community).
            data["signed_as"] = cleaned["signed_as"]
        for name in LINK_TAG_LABELS:
            if name in self.fields:
                data[name] = cleaned.get(name) or ""
        return data


class PostForm(LabelsMixin, forms.Form):
    """A post: text, images, a link, a document; the team labels it."""

    body = forms.CharField(
        label=_("Text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=MARKDOWN_HINT,
    )
    images = MultipleFileField(label=_("Images"), help_text=IMAGE_GUIDANCE)
    link_url = forms.CharField(
        label=_("Link"),
        required=False,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    link_title = forms.CharField(label=_("Link title"), required=False)
    document = forms.FileField(
        label=_("Document"),
        required=False,
        help_text=_("PDF, office documents, text or archives."),
    )

    def __init__(
        self, *args: Any, rubrics: list[Rubric] | None = None, team: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if team:
            self.add_labels(rubrics or [])

    def data_for_action(self) -> dict[str, Any]:
        cleaned = self.cleaned_data
        return {
            "body": cleaned.get("body", ""),
            "link_url": cleaned.get("link_url", ""),
            "link_title": cleaned.get("link_title", ""),
            **self.labels(cleaned),
        }

    def uploads(self) -> dict[str, Any]:
        document = self.cleaned_data.get("document")
        return {
            "images": list(self.cleaned_data.get("images") or []),
            "document": document,
            "document_name": getattr(document, "name", "") or "",
        }


class LongreadForm(LabelsMixin, forms.Form):
    """A long-read: a title and blocks; the blocks come from the block rows of the page."""

    title = forms.CharField(label=_("Title"), required=False)
    images = MultipleFileField(
        label=_("Images"),
        help_text=_(
            "Up to 10 images, numbered 1, 2, 3… in the order chosen; an image block shows one "
            "by its number. Recommended post image: 510×510 px."
        ),
    )
    # Not typed in: the view fills it from the rows, so the blocks' reasons have a home.
    blocks = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, rubrics: list[Rubric] | None = None, team: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if team:
            self.add_labels(rubrics or [])


class EditPostForm(LabelsMixin, forms.Form):
    """The words and labels of a published post; images and the document stay as they are."""

    title = forms.CharField(label=_("Title"), required=False)
    body = forms.CharField(
        label=_("Text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=MARKDOWN_HINT,
    )
    link_url = forms.CharField(label=_("Link"), required=False, widget=forms.URLInput)
    link_title = forms.CharField(label=_("Link title"), required=False)
    blocks = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        rubrics: list[Rubric] | None = None,
        team: bool = False,
        longread: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if not longread:
            del self.fields["title"]
            del self.fields["blocks"]
        if team:
            self.add_labels(rubrics or [])


class SuggestionForm(LabelsMixin, forms.Form):
    """A reviewer publishes a suggestion, optionally with edited text, and labels it."""

    body = forms.CharField(
        label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, rubrics: list[Rubric] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_labels(rubrics or [], signature=False, link_tags=False)


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the author"), max_length=500)


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}))
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    signed_as = forms.ChoiceField(
        label=_("Sign"),
        choices=[(Signature.AUTHOR, _("As me")), (Signature.COMMUNITY, _("As the community"))],
        required=False,
    )


class EditCommentForm(forms.Form):
    body = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}))


class ShareForm(forms.Form):
    """Where to repost: "profile", or the id of a community where the person may post."""

    to = forms.ChoiceField(label=_("Share to"), widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Your words (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, communities: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 — declared above
        field.choices = [
            ("profile", _("My profile wall")),
            *[(str(community.pk), community.name) for community in communities],
        ]
        field.initial = "profile"


class ReportForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=ReportReason.choices)
    text = forms.CharField(
        label=_("Details (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
