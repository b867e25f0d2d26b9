"""Engagement's pages: members take part, the team runs them from the manage area."""

from communa.engagement.views import embeds, polls  # noqa: F401
from communa.engagement.views.contests import (  # noqa: F401
    contest,
    contest_enter,
    contest_vote,
    contests,
    manage_contest,
    manage_contest_announce,
    manage_contest_correct,
    manage_contest_delete,
    manage_contest_delivered,
    manage_contests,
)
from communa.engagement.views.forms import (  # noqa: F401
    decide,
    delete_field,
    delete_form,
    export,
    form_list,
    form_page,
    manage_field,
    manage_form,
    manage_forms,
    move_field,
    responses,
    summary,
)
from communa.engagement.views.guides import (  # noqa: F401
    delete_guide,
    guide_list,
    guide_page,
    guide_progress,
    manage_guide,
    manage_guides,
    manage_module,
    manage_step,
    step_done,
)
