"""The forms' web inputs: the builder's settings and question forms, and the form a member
answers, made from the questions (every check is the action's, so both front doors refuse alike)."""

from __future__ import annotations

import math
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communa.engagement.actions import forms as actions
from communa.engagement.models import AnswerMode, FieldKind, Form, FormField, FormKind, FormState

MOMENT_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class FormSettingsForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=FormKind.choices)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=actions.TITLE_MAX)
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        max_length=actions.DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    state = forms.ChoiceField(label=gettext_lazy("State"), choices=FormState.choices)
    opens_at = forms.DateTimeField(
        label=gettext_lazy("Opens at"),
        required=False,
        widget=MOMENT_WIDGET,
        help_text=gettext_lazy("Optional: an open form takes answers from then on."),
    )
    closes_at = forms.DateTimeField(
        label=gettext_lazy("Closes at"),
        required=False,
        widget=MOMENT_WIDGET,
        help_text=gettext_lazy("Optional: it takes none from then on."),
    )
    answer_mode = forms.ChoiceField(label=gettext_lazy("Answers"), choices=AnswerMode.choices)
    anonymous = forms.BooleanField(
        label=gettext_lazy("Anonymous responses: the team does not see who answered"),
        required=False,
    )
    bands = forms.CharField(
        label=gettext_lazy("Score bands (quizzes)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            'One a line: the lowest score, a colon, the message ("3: Well done!").'
        ),
    )

    def clean_bands(self) -> list[dict[str, Any]]:
        bands = []
        for line in self.cleaned_data["bands"].splitlines():
            if not line.strip():
                continue
            low, _colon, message = line.partition(":")
            try:
                bands.append({"min": int(low.strip()), "message": message.strip()})
            except ValueError:
                raise forms.ValidationError(_("Start each line with a whole number.")) from None
        return bands

    def data_for_action(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in actions.FORM_FIELDS}


def bands_text(form: Form) -> str:
    return "\n".join(f"{band['min']}: {band['message']}" for band in form.bands or [])


class FieldForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=FieldKind.choices)
    label = forms.CharField(label=gettext_lazy("Question"), max_length=actions.LABEL_MAX)
    help_text = forms.CharField(
        label=gettext_lazy("Help text"), required=False, max_length=actions.HELP_MAX
    )
    required = forms.BooleanField(label=gettext_lazy("An answer is required"), required=False)
    choices = forms.CharField(
        label=gettext_lazy("Options (choice questions)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("One option a line."),
    )
    min_length = forms.IntegerField(
        label=gettext_lazy("Shortest answer, in characters (texts)"), required=False, min_value=0
    )
    max_length = forms.IntegerField(
        label=gettext_lazy("Longest answer, in characters (texts)"), required=False, min_value=1
    )
    min_value = forms.IntegerField(
        label=gettext_lazy("Lowest value (numbers, scales)"), required=False
    )
    max_value = forms.IntegerField(
        label=gettext_lazy("Highest value (numbers, scales)"), required=False
    )
    low_label = forms.CharField(
        label=gettext_lazy("Label of the lowest value (scales)"),
        required=False,
        max_length=actions.SCALE_LABEL_MAX,
    )
    high_label = forms.CharField(
        label=gettext_lazy("Label of the highest value (scales)"),
        required=False,
        max_length=actions.SCALE_LABEL_MAX,
    )
    correct = forms.CharField(
        label=gettext_lazy("Right answer (quizzes)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("The right option (one a line for several), number or text."),
    )
    points = forms.IntegerField(
        label=gettext_lazy("Points (quizzes)"),
        required=False,
        min_value=0,
        max_value=actions.POINTS_MAX,
    )

    def data_for_action(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in actions.FIELD_FIELDS}
        kind = data["kind"]
        data["choices"] = [line.strip() for line in data["choices"].splitlines() if line.strip()]
        correct = data["correct"].strip()
        if not correct:
            data["correct"] = None
        elif kind in actions.CHOICE_KINDS:
            data["correct"] = [line.strip() for line in correct.splitlines() if line.strip()]
        elif kind in actions.RANGE_KINDS:
            data["correct"] = number_from(correct)
        if data["points"] is None:
            del data["points"]
        return data


def field_initial(item: FormField) -> dict[str, Any]:
    initial = {name: getattr(item, name) for name in actions.FIELD_FIELDS}
    initial["choices"] = "\n".join(item.choices)
    correct = item.correct
    initial["correct"] = (
        "\n".join(correct)
        if isinstance(correct, list)
        else ("" if correct is None else str(correct))
    )
    return initial


def number_from(text: str) -> Any:
    """A number typed in a form, or the text itself (the action then says what is wrong)."""
    text = text.strip().replace(",", ".")
    try:
        return int(text)
    except ValueError:
        pass
    try:
        number = float(text)
    except ValueError:
        return text
    return number if math.isfinite(number) else text


# Answering -------------------------------------------------------------------------------


def _name(item: FormField) -> str:
    return f"f{item.pk}"


def _label(item: FormField) -> str:
    return f"{item.label} ({_('required')})" if item.required else item.label


def answer_form(
    fields: list[FormField], data: Any = None, initial: dict[str, Any] | None = None
) -> forms.Form:
    """A form of the form's questions; every check is the action's, so both front doors refuse
    alike (only the widgets differ)."""
    made = forms.Form(data, initial=initial)
    for item in fields:
        common: dict[str, Any] = {
            "label": _label(item),
            "required": False,
            "help_text": item.help_text,
        }
        if item.kind == FieldKind.LONG_TEXT:
            made.fields[_name(item)] = forms.CharField(
                widget=forms.Textarea(attrs={"rows": 4}), strip=False, **common
            )
        elif item.kind == FieldKind.SINGLE_CHOICE:
            made.fields[_name(item)] = forms.ChoiceField(
                widget=forms.RadioSelect, choices=[(c, c) for c in item.choices], **common
            )
        elif item.kind == FieldKind.MULTIPLE_CHOICE:
            made.fields[_name(item)] = forms.MultipleChoiceField(
                widget=forms.CheckboxSelectMultiple,
                choices=[(c, c) for c in item.choices],
                **common,
            )
        elif item.kind == FieldKind.SCALE:
            low, high = item.min_value or 0, item.max_value or 5
            options = []
            for value in range(low, high + 1):
                text = str(value)
                if value == low and item.low_label:
                    text = f"{value} – {item.low_label}"
                elif value == high and item.high_label:
                    text = f"{value} – {item.high_label}"
                options.append((str(value), text))
            made.fields[_name(item)] = forms.ChoiceField(
                widget=forms.RadioSelect(attrs={"class": "scale"}), choices=options, **common
            )
        elif item.kind == FieldKind.NUMBER:
            attrs = {"inputmode": "decimal"}
            made.fields[_name(item)] = forms.CharField(
                widget=forms.TextInput(attrs=attrs), **common
            )
        elif item.kind == FieldKind.DATE:
            made.fields[_name(item)] = forms.CharField(
                widget=forms.DateInput(attrs={"type": "date"}), **common
            )
        elif item.kind == FieldKind.CONSENT:
            made.fields[_name(item)] = forms.BooleanField(**common)
        else:
            made.fields[_name(item)] = forms.CharField(strip=False, **common)
    return made


def answers_from(form: forms.Form, fields: list[FormField]) -> dict[str, Any]:
    """The answers as the action takes them: numbers as numbers, options as given."""
    answers: dict[str, Any] = {}
    for item in fields:
        value = form.cleaned_data.get(_name(item))
        if item.kind == FieldKind.NUMBER:
            value = number_from(value) if value and value.strip() else None
        elif item.kind == FieldKind.SCALE:
            value = int(value) if value not in (None, "") else None
        answers[str(item.pk)] = value
    return answers


def answer_initial(response: Any, fields: list[FormField]) -> dict[str, Any]:
    answers = {answer.field_id: answer.value for answer in response.answers.all()}
    return {_name(item): answers.get(item.pk) for item in fields if item.pk in answers}
