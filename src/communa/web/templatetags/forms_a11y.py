"""Form pieces every page shares: unique ids per page and a widget tied to its descriptions.

Django names a field's help `<auto_id>_helptext` and its errors `<auto_id>_error` in the widget's
`aria-describedby`; `web/_field.html` renders elements with exactly those ids.
"""

from __future__ import annotations

from typing import Any, cast

from django import template
from django.contrib.messages import constants
from django.forms import BoundField
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag(takes_context=True)
def unique_id(context: template.Context, prefix: str) -> str:
    """`prefix-1`, `prefix-2`, … : distinct ids when one page renders several forms."""
    # The bottom of the render context lives for one page render; each include pushes its own
    # scope above it, so the count is kept there to be shared by every included template.
    page_scope = cast(dict[str, Any], context.render_context.dicts[0])
    key = f"unique_id:{prefix}"
    number = int(page_scope.get(key) or 0) + 1
    page_scope[key] = number
    return f"{prefix}-{number}"


@register.simple_tag
def widget(field: BoundField, *, invalid: bool = False, describedby: str = "") -> SafeString:
    """The field's widget, also described by `describedby` (ids of texts outside the field).

    `invalid` marks it as part of a form-wide error (a wrong username or password), which Django
    keeps apart from the fields and so does not mark on them.
    """
    attrs: dict[str, Any] = {}
    if invalid:
        attrs["aria-invalid"] = "true"
    ids = " ".join(part for part in (describedby, field.aria_describedby or "") if part)
    if ids:
        attrs["aria-describedby"] = ids
    return field.as_widget(attrs=attrs)


@register.filter
def item(mapping: Any, key: str) -> Any:
    """`mapping[key]`, or None: for keys a template cannot spell, such as `outcomes.links`."""
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def has_errors(messages: Any) -> bool:
    """Whether any of the page's messages reports a failure."""
    return any(message.level >= constants.ERROR for message in messages)
