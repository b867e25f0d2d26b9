"""`{% remembered value … %}…{% endremembered %}`: a part of every page rendered once per process.

The page frame (`web/base.html`: the head's links, the top bar with its menu and language
switcher, the footer) is the same for every request with the same few values, yet rendering it
cost 0.7 ms of each page, as much as reading a page of posts. The block's output is kept in this
process under the values it names and the language; anything else it shows (translations, URLs,
static file names, the version) is fixed for the life of the process. Name every value the block
reads from its context: a value left out would show one reader's value to another.

The reader's CSRF token is not part of the key: the block is rendered with a placeholder for it,
and each reader's own token is put in its place.
"""

from __future__ import annotations

import secrets

from django import template
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from communa.core.kept import ProcessKept

register = template.Library()

# Distinct kept blocks a process holds before it starts again (the paths in the language
# switcher's "next" make the combinations many; each is a few kilobytes).
KEPT_LIMIT = 2048
_KEPT = ProcessKept(KEPT_LIMIT)  # emptied on a changed setting too
_TOKEN = f"csrf-{secrets.token_hex(12)}"


class RememberedNode(template.Node):
    def __init__(self, nodelist: NodeList, values: list[FilterExpression], place: str) -> None:
        self.nodelist = nodelist
        self.values = values
        self.place = place

    def render(self, context: template.Context) -> SafeString:
        named = tuple(value.resolve(context) for value in self.values)
        key = (self.place, get_language(), *named)
        html = _KEPT.get(key)
        if html is None:
            with context.push(csrf_token=_TOKEN):
                html = self.nodelist.render(context)
            _KEPT.put(key, html)
        if _TOKEN in html:
            token = context.get("csrf_token")
            value = "" if token is None else str(token)
            if not value or value == "NOTPROVIDED":  # no token to give: as Django renders it
                return mark_safe(self.nodelist.render(context))  # noqa: S308 — our templates'
            html = html.replace(_TOKEN, value)
        return mark_safe(html)  # noqa: S308 — our templates' output, the token as they put it in


@register.tag
def remembered(parser: Parser, token: Token) -> RememberedNode:
    """`{% remembered user.is_authenticated request.get_full_path %}…{% endremembered %}`."""
    values = [parser.compile_filter(bit) for bit in token.split_contents()[1:]]
    nodelist = parser.parse(("endremembered",))
    parser.delete_first_token()
    # Each block in each template is its own entry: where it is written is part of its key.
    place = f"{parser.origin.name if parser.origin else ''}:{token.lineno}:{token.position}"
    return RememberedNode(nodelist, values, place)
