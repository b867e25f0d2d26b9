"""The demo's content plan (R8): written at the end of the load, at "now", through the actions.

Learn to Cook and Kitchen Pro get their time zone, approval, a weekly plan of slots (the source
articles' rhythm: 1–3 posts a day for a brand), a promotion with its posts, and four weeks of
drafts around today: published posts in the past weeks come from the walls' story; ahead lie
scheduled posts (approved), posts awaiting approval, one returned with a comment, plain drafts
and a few open slots. Everything goes through the planner's and walls' actions, so the demo obeys
the rules users do (approval by a second person, times in the future, slots on their weekday).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from communa.accounts.models import User
from communa.communities.actions import update_community
from communa.communities.models import Community, Membership, Role, Rubric
from communa.demo.context import DemoContext, data
from communa.planner.actions.placement import plan_draft
from communa.planner.actions.plans import add_slot, create_plan
from communa.planner.actions.promotions import create_promotion
from communa.planner.models import PlanSlot, Promotion
from communa.planner.selectors.plans import zone_of
from communa.walls.actions import drafts

# (weekday, time, rubric code, note): the brand's week, two a day on weekdays, one at weekends.
WEEK = [
    (0, "09:00", "expert", "Technique of the week"),
    (0, "19:00", "interaction", "Ask the members"),
    (1, "12:00", "product", ""),
    (2, "09:00", "expert", ""),
    (2, "19:00", "entertainment", ""),
    (3, "12:00", "behind_scenes", "The kitchen team"),
    (4, "18:00", "poll", "Weekend menu vote"),
    (5, "11:00", "entertainment", ""),
    (6, "19:00", "news", "The week in food"),
]
TEXTS = [
    "How to keep a chef's knife sharp between whetstone sessions: five habits.",
    "What did you cook this week? Show us the photo and the recipe.",
    "Our new carbon-steel santoku is back in stock, with a free honing guide.",
    "Stock, broth and consommé: what sets them apart, in three pictures.",
    "The tomato that fought back: a short story from our test kitchen.",
    "Meet Anh, who plans every class menu three weeks ahead.",
    "Vote: which dish should Saturday's live class cook?",
    "Ten seconds of perfectly julienned carrots, slowed down.",
    "Food news: the season's first asparagus and what to pay for it.",
]
RETURN_COMMENT = "Add the class date and the price, please: members always ask."


def _slug_places() -> list[str]:
    spec = data("communities")
    return [c["slug"] for c in spec["communities"] if c["settings"]["kind"] != "event"]


def _team(community: Community) -> dict[str, User]:
    """The community's owner, first administrator and first editor (the admin writes where
    there is no editor, and the owner then approves)."""
    found: dict[str, User] = {}
    rows = Membership.objects.filter(
        community=community, role__in=[Role.OWNER, Role.ADMIN, Role.EDITOR]
    ).select_related("user")
    for membership in rows.order_by("joined_at", "id"):
        found.setdefault(membership.role, membership.user)
    found.setdefault(Role.ADMIN, found[Role.OWNER])
    found.setdefault(Role.EDITOR, found[Role.ADMIN])
    return {"owner": found[Role.OWNER], "admin": found[Role.ADMIN], "editor": found[Role.EDITOR]}


def _rubric(community: Community, code: str) -> Rubric | None:
    return Rubric.objects.filter(community=community, code=code, archived=False).first()


def _moment(community: Community, day: date, clock: time) -> datetime:
    return datetime.combine(day, clock).replace(tzinfo=zone_of(community))


def plan_community(ctx: DemoContext, community: Community) -> None:
    """One community's plan, promotion and four weeks of drafts around today."""
    team = _team(community)
    owner, admin, editor = team["owner"], team["admin"], team["editor"]
    update_community(
        actor=owner,
        community=community,
        changes={"time_zone": "Europe/Moscow", "approval_required": True},
    )
    community.refresh_from_db()
    plan = create_plan(actor=editor, community=community, data={"name": "Every week"})
    slots: list[PlanSlot] = []
    for weekday, clock, code, note in WEEK:
        rubric = _rubric(community, code)
        if rubric is None:
            continue
        slots.append(
            add_slot(
                actor=editor,
                plan=plan,
                data={"weekday": weekday, "time": clock, "rubric": rubric.pk, "note": note},
            )
        )
    today = ctx.now.astimezone(zone_of(community)).date()
    promotion = create_promotion(
        actor=editor,
        community=community,
        data={
            "kind": "discount",
            "name": "Spring knife sale",
            "starts_on": (today + timedelta(days=3)).isoformat(),
            "ends_on": (today + timedelta(days=10)).isoformat(),
            "description": "20 % off every knife for a week, with a free sharpening class.",
        },
    )
    _drafts_ahead(ctx, community, slots, promotion, owner=owner, admin=admin, editor=editor)


def _drafts_ahead(
    ctx: DemoContext,
    community: Community,
    slots: list[PlanSlot],
    promotion: Promotion,
    *,
    owner: User,
    admin: User,
    editor: User,
) -> None:
    """Two weeks ahead: most slots filled and approved, some awaiting approval, one returned,
    some drafts, a few left open; the promotion's days carry promotional posts."""
    today = ctx.now.astimezone(zone_of(community)).date()
    approver = admin if admin.pk != editor.pk else owner
    rng = ctx.rng
    for offset in range(1, 15):
        day = today + timedelta(days=offset)
        for slot in (s for s in slots if s.weekday == day.weekday()):
            roll = rng.random()
            if roll < 0.15:
                continue  # an open slot: the calendar shows it needs a post
            text = TEXTS[slots.index(slot) % len(TEXTS)]
            in_sale = promotion.starts_on <= day <= promotion.ends_on and slot.time.hour >= 12
            post = plan_draft(
                actor=editor,
                community=community,
                data={
                    "body": text if not in_sale else f"{text} Spring sale: 20 % off every knife.",
                    "rubric": slot.rubric_id,
                    "promotional": in_sale,
                    "signed_as": "community",
                },
                slot_id=slot.pk,
                slot_date=day,
                promotion_id=promotion.pk if in_sale else None,
            )
            if offset > 10 and roll < 0.6:
                continue  # stays a draft: the far end of the plan is still being written
            drafts.submit_draft(actor=editor, post=post)
            if offset <= 7 and roll < 0.8:
                drafts.approve_draft(actor=approver, post=post)
            elif roll < 0.3:
                drafts.return_draft(actor=approver, post=post, comment=RETURN_COMMENT)
    # An unplanned idea without a time, and an ad-hoc draft for tomorrow evening.
    plan_draft(
        actor=editor,
        community=community,
        data={"body": "Idea: a members' recipe swap every first Sunday.", "signed_as": "community"},
    )
    plan_draft(
        actor=editor,
        community=community,
        data={
            "body": "Tonight's live class is full: next one on Friday!",
            "signed_as": "community",
        },
        at=_moment(community, today + timedelta(days=1), time(20, 30)),
    )


def load_planner(ctx: DemoContext) -> None:
    """The content plans of the demo's communities that publish regularly."""
    for slug in _slug_places():
        community = Community.objects.filter(slug=slug).first()
        if community is not None:
            plan_community(ctx, community)
