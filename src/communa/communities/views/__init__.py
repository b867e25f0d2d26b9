"""Community pages, by subject: search, catalog, creation and the dashboards (`catalog`), the
community home and joining (`home`), members, requests, invitations and blocks (`people`), the
team (`team`), settings and wiki (`setup`). Each view parses its input with a form and calls the
actions and selectors; a community the person may not see answers the same 404 as one that does
not exist (`selectors.community_for`). `page_context` is what every community page needs."""

from communa.communities.views._shared import (
    page_context,
)
from communa.communities.views.catalog import (
    cancel_transfer,
    create,
    dashboard,
    index,
    manage_home,
    mine,
    respond_invitation,
    start,
)
from communa.communities.views.home import (
    ask,
    cancel_request,
    home,
    join,
    leave,
    widget,
)
from communa.communities.views.people import (
    block,
    blocks,
    cancel_invitation,
    decide_request,
    invite,
    member_sources,
    members,
    requests,
    unblock,
)
from communa.communities.views.setup import (
    convert,
    image,
    settings,
    verification,
    wiki_delete,
    wiki_edit,
    wiki_new,
    wiki_page,
)
from communa.communities.views.team import (
    handover,
    set_role,
    team,
)

__all__ = [
    "ask",
    "block",
    "blocks",
    "cancel_invitation",
    "cancel_request",
    "cancel_transfer",
    "convert",
    "create",
    "dashboard",
    "decide_request",
    "handover",
    "home",
    "image",
    "index",
    "invite",
    "join",
    "leave",
    "manage_home",
    "member_sources",
    "members",
    "mine",
    "page_context",
    "requests",
    "respond_invitation",
    "set_role",
    "settings",
    "start",
    "team",
    "unblock",
    "verification",
    "widget",
    "wiki_delete",
    "wiki_edit",
    "wiki_new",
    "wiki_page",
]
