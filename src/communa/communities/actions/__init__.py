"""Every write to communities: creation, settings, wiki, membership, team and ownership.

Each action checks permission through `permissions.require`, runs in one transaction, writes
its audit entry (team actions) and membership events (joins, leaves, blocks), and raises a
domain error that the web and the API show to the person. The actions live in modules by
subject (`setup`, `membership`, `team`); import them from here.
"""

from communa.communities.actions._common import TEAM_ROLES, UTM_FIELDS
from communa.communities.actions.badges import refresh_member_badges
from communa.communities.actions.membership import (
    _apply_block,
    block_member,
    cancel_invitation,
    cancel_join_request,
    decide_join_request,
    enrol_placeholder_members,
    invitation_quota,
    invite_to_community,
    join_community,
    leave_community,
    request_to_join,
    respond_to_invitation,
    unblock_member,
)
from communa.communities.actions.setup import (
    convert_community,
    create_community,
    decide_verification,
    delete_wiki_page,
    feature_community,
    request_verification,
    save_wiki_page,
    set_community_image,
    update_community,
)
from communa.communities.actions.team import (
    cancel_ownership_transfer,
    complete_due_ownership_transfers,
    complete_ownership_transfer,
    request_ownership_transfer,
    set_member_role,
)

__all__ = [
    "TEAM_ROLES",
    "UTM_FIELDS",
    "_apply_block",
    "block_member",
    "cancel_invitation",
    "cancel_join_request",
    "cancel_ownership_transfer",
    "complete_due_ownership_transfers",
    "complete_ownership_transfer",
    "convert_community",
    "create_community",
    "decide_join_request",
    "decide_verification",
    "delete_wiki_page",
    "enrol_placeholder_members",
    "feature_community",
    "invitation_quota",
    "invite_to_community",
    "join_community",
    "leave_community",
    "refresh_member_badges",
    "request_ownership_transfer",
    "request_to_join",
    "request_verification",
    "respond_to_invitation",
    "save_wiki_page",
    "set_community_image",
    "set_member_role",
    "unblock_member",
    "update_community",
]
