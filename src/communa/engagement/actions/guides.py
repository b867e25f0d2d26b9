"""Guides (learning units): the team (RUN_ENGAGEMENT) builds a guide of ordered modules, each an
ordered list of the community's published posts with notes; members (TAKE_PART) mark steps as
done, and finish the guide when every step is done.

Limits in settings.COMMUNA: GUIDE_MAX_MODULES, GUIDE_MAX_STEPS (per module).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Max, Model
from django.utils import timezone
from django.utils.translation import gettext as _

from communa.accounts.validation import FieldErrors
from communa.communities.models import Community
from communa.communities.permissions import Action, require
from communa.core.audit import record_audit
from communa.core.conf import int_setting
from communa.core.errors import NotFound, ValidationFailed
from communa.core.events import EventKind, Viewer, record_event, viewer_for_user
from communa.core.limits import limit_write
from communa.engagement.models import Guide, GuideModule, GuideProgress, GuideStep, GuideStepDone
from communa.walls.models import Post, PostStatus

TITLE_MAX = 200
DESCRIPTION_MAX = 5000
NOTE_MAX = 2000


def _title(value: Any, errors: FieldErrors, what: str) -> str:
    title = " ".join(str(value or "").split())
    if not title:
        errors.add("title", what)
    elif len(title) > TITLE_MAX:
        errors.add("title", _("A title has at most %(n)d characters.") % {"n": TITLE_MAX})
    return title


def _long_text(value: Any, field: str, most: int, errors: FieldErrors) -> str:
    text = str(value or "").replace("\r\n", "\n").strip()
    if len(text) > most:
        errors.add(field, _("At most %(n)d characters.") % {"n": most})
    return text


def _clean_guide(data: dict[str, Any], errors: FieldErrors) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    if "title" in data:
        cleaned["title"] = _title(data["title"], errors, _("Give the guide a title."))
    if "description" in data:
        cleaned["description"] = _long_text(
            data["description"], "description", DESCRIPTION_MAX, errors
        )
    if "published" in data:
        if not isinstance(data["published"], bool):
            errors.add("published", _("Give true or false."))
        cleaned["published"] = bool(data["published"])
    return cleaned


def _facts(row: Model, names: Sequence[str]) -> dict[str, Any]:
    return {name: getattr(row, name) for name in names}


GUIDE_FIELDS = ("title", "description", "published")


def create_guide(*, actor: Any, community: Community, data: dict[str, Any]) -> Guide:
    """Start a guide (unpublished unless said otherwise). Editors, administrators, the owner."""
    require(actor, Action.RUN_ENGAGEMENT, community)
    errors = FieldErrors()
    cleaned = _clean_guide(data, errors)
    if "title" not in data:
        errors.add("title", _("This field is required."))
    errors.raise_if_any()
    with transaction.atomic():
        guide = Guide.objects.create(community=community, created_by=actor, **cleaned)
        record_audit(
            actor=actor,
            community=community,
            action="guide.create",
            target=guide,
            after=_facts(guide, GUIDE_FIELDS),
        )
    return guide


def update_guide(*, actor: Any, guide: Guide, data: dict[str, Any]) -> Guide:
    """Change a guide's title, description, or whether members see it."""
    require(actor, Action.RUN_ENGAGEMENT, guide.community)
    errors = FieldErrors()
    cleaned = _clean_guide(data, errors)
    errors.raise_if_any()
    before = _facts(guide, GUIDE_FIELDS)
    changed = {key: value for key, value in cleaned.items() if before[key] != value}
    if not changed:
        return guide
    with transaction.atomic():
        for key, value in changed.items():
            setattr(guide, key, value)
        guide.save(update_fields=list(changed))
        record_audit(
            actor=actor,
            community=guide.community,
            action="guide.update",
            target=guide,
            before={key: before[key] for key in changed},
            after=changed,
        )
    return guide


def delete_guide(*, actor: Any, guide: Guide) -> None:
    """Delete a guide with its modules, steps and everyone's progress."""
    require(actor, Action.RUN_ENGAGEMENT, guide.community)
    with transaction.atomic():
        record_audit(
            actor=actor,
            community=guide.community,
            action="guide.delete",
            target=guide,
            before=_facts(guide, GUIDE_FIELDS),
        )
        guide.delete()


# Modules -----------------------------------------------------------------------------------


def _clean_module(data: dict[str, Any], errors: FieldErrors) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    if "title" in data:
        cleaned["title"] = _title(data["title"], errors, _("Give the module a title."))
    if "description" in data:
        cleaned["description"] = _long_text(
            data["description"], "description", DESCRIPTION_MAX, errors
        )
    return cleaned


def _lock(guide: Guide) -> None:
    # The guide's row is locked so places and counts stay right when the team works at once.
    Guide.objects.select_for_update().filter(pk=guide.pk).first()


def add_module(*, actor: Any, guide: Guide, data: dict[str, Any]) -> GuideModule:
    """Add a module at the end of the guide (at most GUIDE_MAX_MODULES)."""
    require(actor, Action.RUN_ENGAGEMENT, guide.community)
    errors = FieldErrors()
    cleaned = _clean_module(data, errors)
    if "title" not in data:
        errors.add("title", _("This field is required."))
    errors.raise_if_any()
    most = int_setting("GUIDE_MAX_MODULES")
    with transaction.atomic():
        _lock(guide)
        modules = GuideModule.objects.filter(guide=guide)
        if modules.count() >= most:
            raise ValidationFailed(
                fields={"guide": [_("A guide has at most %(n)d modules.") % {"n": most}]}
            )
        position = (modules.aggregate(n=Max("position"))["n"] or 0) + 1
        module = GuideModule.objects.create(guide=guide, position=position, **cleaned)
        record_audit(
            actor=actor,
            community=guide.community,
            action="guide.module_add",
            target=guide,
            after={"module": module.pk, "title": module.title},
        )
    return module


def update_module(*, actor: Any, module: GuideModule, data: dict[str, Any]) -> GuideModule:
    """Rename a module or change its description."""
    guide = module.guide
    require(actor, Action.RUN_ENGAGEMENT, guide.community)
    errors = FieldErrors()
    cleaned = _clean_module(data, errors)
    errors.raise_if_any()
    changed = {key: value for key, value in cleaned.items() if getattr(module, key) != value}
    if changed:
        with transaction.atomic():
            for key, value in changed.items():
                setattr(module, key, value)
            module.save(update_fields=list(changed))
            record_audit(
                actor=actor,
                community=guide.community,
                action="guide.module_update",
                target=guide,
                after={"module": module.pk, **changed},
            )
    return module


def delete_module(*, actor: Any, module: GuideModule) -> None:
    """Remove a module with its steps (members' marks on them go too)."""
    guide = module.guide
    require(actor, Action.RUN_ENGAGEMENT, guide.community)
    with transaction.atomic():
        _lock(guide)
        steps = GuideStep.objects.filter(module=module).count()
        record_audit(
            actor=actor,
            community=guide.community,
            action="guide.module_delete",
            target=guide,
            before={"module": module.pk, "title": module.title, "steps": steps},
        )
        module.delete()
        Guide.objects.filter(pk=guide.pk).update(step_count=F("step_count") - steps)
    guide.refresh_from_db(fields=["step_count"])


def _reorder(rows: list[Any], order: Sequence[int], what: str) -> list[Any]:
    by_id = {row.pk: row for row in rows}
    if sorted(order) != sorted(by_id) or len(set(order)) != len(order):
        raise ValidationFailed(fields={"order": [what]})
    for position, row_id in enumerate(order, start=1):
        by_id[row_id].position = position
    return sorted(rows, key=lambda row: row.position)


def reorder_modules(*, actor: Any, guide: Guide, order: Sequence[int]) -> list[GuideModule]:
    """Put the guide's modules in this order: every module's id, once each."""
    require(actor, Action.RUN_ENGAGEMENT, guide.community)
    with transaction.atomic():
        _lock(guide)
        rows = list(GuideModule.objects.filter(guide=guide))
        found = _reorder(rows, order, _("List every module of the guide once."))
        GuideModule.objects.bulk_update(found, ["position"])
        record_audit(
            actor=actor,
            community=guide.community,
            action="guide.modules_reorder",
            target=guide,
            after={"order": list(order)},
        )
    return found


def _moved(ids: list[int], row_id: int, up: bool) -> list[int]:
    index = ids.index(row_id)
    other = index - 1 if up else index + 1
    if 0 <= other < len(ids):
        ids[index], ids[other] = ids[other], ids[index]
    return ids


def move_module(*, actor: Any, module: GuideModule, up: bool) -> list[GuideModule]:
    """Move a module one place up or down."""
    ids = list(GuideModule.objects.filter(guide_id=module.guide_id).values_list("pk", flat=True))
    return reorder_modules(actor=actor, guide=module.guide, order=_moved(ids, module.pk, up))


# Steps -------------------------------------------------------------------------------------


def _post_of(guide: Guide, post_id: Any, errors: FieldErrors) -> Post | None:
    if isinstance(post_id, bool) or not isinstance(post_id, int):
        errors.add("post", _("Give the id of one of the community's published posts."))
        return None
    post = Post.objects.filter(
        pk=post_id, community_id=guide.community_id, status=PostStatus.PUBLISHED
    ).first()
    if post is None:
        errors.add("post", _("Choose a published post of this community."))
    return post


def add_step(*, actor: Any, module: GuideModule, data: dict[str, Any]) -> GuideStep:
    """Add a published post of the community at the end of the module, with a note. A post is
    in a guide once."""
    guide = module.guide
    require(actor, Action.RUN_ENGAGEMENT, guide.community)
    errors = FieldErrors()
    post = _post_of(guide, data.get("post"), errors)
    note = _long_text(data.get("note"), "note", NOTE_MAX, errors)
    errors.raise_if_any()
    if post is None:  # _post_of named the field above
        raise ValidationFailed(fields=errors.fields)
    most = int_setting("GUIDE_MAX_STEPS")
    with transaction.atomic():
        _lock(guide)
        if GuideStep.objects.filter(guide=guide, post=post).exists():
            raise ValidationFailed(
                fields={"post": [_("This post is already a step of the guide.")]}
            )
        steps = GuideStep.objects.filter(module=module)
        if steps.count() >= most:
            raise ValidationFailed(
                fields={"module": [_("A module has at most %(n)d steps.") % {"n": most}]}
            )
        position = (steps.aggregate(n=Max("position"))["n"] or 0) + 1
        step = GuideStep.objects.create(
            module=module, guide=guide, post=post, note=note, position=position
        )
        Guide.objects.filter(pk=guide.pk).update(step_count=F("step_count") + 1)
        record_audit(
            actor=actor,
            community=guide.community,
            action="guide.step_add",
            target=guide,
            after={"step": step.pk, "module": module.pk, "post": step.post_id},
        )
    guide.refresh_from_db(fields=["step_count"])
    return step


def update_step(*, actor: Any, step: GuideStep, data: dict[str, Any]) -> GuideStep:
    """Change a step's note."""
    guide = step.guide
    require(actor, Action.RUN_ENGAGEMENT, guide.community)
    errors = FieldErrors()
    note = _long_text(data.get("note"), "note", NOTE_MAX, errors)
    errors.raise_if_any()
    if "note" in data and note != step.note:
        with transaction.atomic():
            step.note = note
            step.save(update_fields=["note"])
            record_audit(
                actor=actor,
                community=guide.community,
                action="guide.step_update",
                target=guide,
                after={"step": step.pk, "note": note},
            )
    return step


def delete_step(*, actor: Any, step: GuideStep) -> None:
    """Remove a step (members' marks on it go too)."""
    guide = step.guide
    require(actor, Action.RUN_ENGAGEMENT, guide.community)
    with transaction.atomic():
        _lock(guide)
        record_audit(
            actor=actor,
            community=guide.community,
            action="guide.step_delete",
            target=guide,
            before={"step": step.pk, "module": step.module_id, "post": step.post_id},
        )
        step.delete()
        Guide.objects.filter(pk=guide.pk).update(step_count=F("step_count") - 1)
    guide.refresh_from_db(fields=["step_count"])


def reorder_steps(*, actor: Any, module: GuideModule, order: Sequence[int]) -> list[GuideStep]:
    """Put a module's steps in this order: every step's id, once each."""
    guide = module.guide
    require(actor, Action.RUN_ENGAGEMENT, guide.community)
    with transaction.atomic():
        _lock(guide)
        rows = list(GuideStep.objects.filter(module=module))
        found = _reorder(rows, order, _("List every step of the module once."))
        GuideStep.objects.bulk_update(found, ["position"])
        record_audit(
            actor=actor,
            community=guide.community,
            action="guide.steps_reorder",
            target=guide,
            after={"module": module.pk, "order": list(order)},
        )
    return found


def move_step(*, actor: Any, step: GuideStep, up: bool) -> list[GuideStep]:
    """Move a step one place up or down within its module."""
    ids = list(GuideStep.objects.filter(module_id=step.module_id).values_list("pk", flat=True))
    return reorder_steps(actor=actor, module=step.module, order=_moved(ids, step.pk, up))


# Members' progress -------------------------------------------------------------------------


def _require_published(guide: Guide) -> None:
    if not guide.published:
        raise NotFound


def _progress_for(guide: Guide, actor: Any) -> GuideProgress:
    """The member's progress row, made on their first step; concurrent first steps make one."""
    found = GuideProgress.objects.filter(guide=guide, user=actor).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return GuideProgress.objects.create(guide=guide, user=actor)
    except IntegrityError:
        return GuideProgress.objects.get(guide=guide, user=actor)


def _settle(progress: GuideProgress, total: int) -> GuideProgress:
    """Finished when every step is done; unfinished again when a mark is taken back."""
    locked = GuideProgress.objects.select_for_update().get(pk=progress.pk)
    done = GuideStepDone.objects.filter(progress=locked).count()
    finished = total > 0 and done >= total
    if finished and locked.completed_at is None:
        locked.completed_at = timezone.now()
        locked.save(update_fields=["completed_at"])
    elif not finished and locked.completed_at is not None:
        locked.completed_at = None
        locked.save(update_fields=["completed_at"])
    return locked


def mark_step_done(*, actor: Any, step: GuideStep, viewer: Viewer | None = None) -> GuideProgress:
    """Mark a step as done (again: nothing changes). Records one GUIDE_STEP event; the last step
    finishes the guide."""
    guide = step.guide
    require(actor, Action.TAKE_PART, guide.community)
    _require_published(guide)
    limit_write("take_part", actor=actor)
    with transaction.atomic():
        progress = _progress_for(guide, actor)
        try:
            with transaction.atomic():
                GuideStepDone.objects.create(progress=progress, step=step)
        except IntegrityError:
            return GuideProgress.objects.get(pk=progress.pk)
        record_event(
            EventKind.GUIDE_STEP,
            viewer=viewer or viewer_for_user(actor),
            community_id=guide.community_id,
        )
        total = Guide.objects.values_list("step_count", flat=True).get(pk=guide.pk)
        return _settle(progress, total)


def unmark_step(*, actor: Any, step: GuideStep) -> GuideProgress | None:
    """Take back a step marked as done."""
    guide = step.guide
    require(actor, Action.TAKE_PART, guide.community)
    _require_published(guide)
    with transaction.atomic():
        progress = GuideProgress.objects.filter(guide=guide, user=actor).first()
        if progress is None:
            return None
        GuideStepDone.objects.filter(progress=progress, step=step).delete()
        total = Guide.objects.values_list("step_count", flat=True).get(pk=guide.pk)
        return _settle(progress, total)
