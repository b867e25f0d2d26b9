"""The demo's forms and guides (R6.4): written at the end of the load, at "now", through the
actions, as the community's team and members.

Learn to Cook gets a knife quiz with score bands and members' answers, a questionnaire on next
month's classes, an application for the Saturday masterclass with some applicants accepted or
rejected, and a "Knife skills from zero"
guide of its published posts that members are part-way through, a few of them finished.
"""

from __future__ import annotations

from typing import Any

from communa.accounts.models import User
from communa.communities.models import Community, Membership, Role
from communa.demo.communities import BRAND
from communa.demo.context import DemoContext
from communa.engagement.actions import form_answers as answering
from communa.engagement.actions import forms as form_actions
from communa.engagement.actions import guides as guide_actions
from communa.engagement.models import Form, FormField, Guide
from communa.walls.models import Post, PostStatus

QUIZ = {
    "kind": "quiz",
    "title": "How well do you know your knives?",
    "description": "Five questions from our knife skills classes."
    " You see the right answers at the end.",
    "answer_mode": "once",
    "bands": [
        {"min": 0, "message": "A good start: the Knife basics guide is for you."},
        {"min": 3, "message": "Sharp! You know your way around a whetstone."},
        {"min": 5, "message": "Master level: come and teach a class!"},
    ],
}
QUIZ_QUESTIONS: list[dict[str, Any]] = [
    {
        "kind": "single_choice",
        "label": "Which steel is the hardest?",
        "choices": ["Stainless 420", "VG10", "ZDP-189"],
        "correct": "ZDP-189",
        "required": True,
    },
    {
        "kind": "multiple_choice",
        "label": "Which of these are Japanese kitchen knives?",
        "choices": ["Gyuto", "Santoku", "Cleaver", "Nakiri"],
        "correct": ["Gyuto", "Santoku", "Nakiri"],
        "points": 2,
    },
    {
        "kind": "number",
        "label": "At how many degrees per side do you sharpen a Japanese gyuto?",
        "min_value": 5,
        "max_value": 45,
        "correct": 15,
    },
    {
        "kind": "short_text",
        "label": "What is the grip with thumb and index finger on the blade called?",
        "help_text": "One word, then “grip”.",
        "correct": "pinch grip",
    },
]
# Each member's answers: steel, knives, angle, grip.
QUIZ_ANSWERS = [
    ("ZDP-189", ["Gyuto", "Santoku", "Nakiri"], 15, "Pinch grip"),
    ("VG10", ["Gyuto", "Santoku"], 20, "pinch grip"),
    ("ZDP-189", ["Gyuto", "Nakiri", "Santoku"], 15, "hammer grip"),
    ("Stainless 420", ["Cleaver"], 30, ""),
    ("ZDP-189", ["Gyuto", "Santoku", "Nakiri"], 17, "pinch grip"),
    ("VG10", ["Santoku"], 15, "Pinch grip"),
    ("ZDP-189", ["Gyuto", "Santoku", "Nakiri"], 15, "pinch grip"),
    ("VG10", ["Gyuto", "Santoku", "Cleaver"], 25, "claw"),
]
APPLICATION = {
    "kind": "application",
    "title": "Apply for the Saturday masterclass",
    "description": "Twelve places at the chef's table."
    " Tell us about yourself; we answer within two days.",
    "answer_mode": "edit",
}
APPLICATION_QUESTIONS: list[dict[str, Any]] = [
    {"kind": "short_text", "label": "Your name", "required": True, "max_length": 80},
    {
        "kind": "scale",
        "label": "How sure are you with a chef's knife?",
        "min_value": 1,
        "max_value": 5,
        "low_label": "Beginner",
        "high_label": "Professional",
        "required": True,
    },
    {
        "kind": "single_choice",
        "label": "Which dish would you like to cook?",
        "choices": ["Sashimi platter", "Vegetable julienne", "Whole chicken breakdown"],
        "required": True,
    },
    {
        "kind": "date",
        "label": "Another date that suits you",
        "help_text": "In case Saturday is full.",
    },
    {"kind": "long_text", "label": "Allergies or anything we should know", "max_length": 1000},
    {"kind": "consent", "label": "I agree to be photographed during the class", "required": True},
]
APPLICANTS = [
    (4, "Whole chicken breakdown", "No allergies."),
    (2, "Vegetable julienne", "Allergic to shellfish."),
    (5, "Sashimi platter", ""),
    (3, "Vegetable julienne", "Left-handed: do you have knives for me?"),
    (1, "Sashimi platter", ""),
    (3, "Whole chicken breakdown", "Vegetarian partner will watch."),
]
DECISIONS = ["accepted", "accepted", "rejected", "accepted", "submitted", "submitted"]
SURVEY = {
    "kind": "questionnaire",
    "title": "What should we cook next month?",
    "description": "Three questions to plan May's live classes.",
    "answer_mode": "edit",
}
SURVEY_QUESTIONS: list[dict[str, Any]] = [
    {
        "kind": "single_choice",
        "label": "Which cuisine?",
        "choices": ["Japanese", "Vietnamese", "Georgian", "Italian"],
        "required": True,
    },
    {
        "kind": "scale",
        "label": "How much time do you have for a class?",
        "min_value": 1,
        "max_value": 5,
        "low_label": "Half an hour",
        "high_label": "All evening",
    },
    {"kind": "long_text", "label": "A dish you always wanted to learn"},
]
SURVEY_DISHES = ["Pho from scratch", "Khachapuri", "", "Fresh pasta", "Tamagoyaki", ""]
GUIDE_MODULES = [
    ("Holding the knife", "Grip, stance and the guiding hand."),
    ("Keeping it sharp", "Honing, whetstones and storage."),
    ("Cuts every cook uses", "From dice to julienne."),
]


def _team(community: Community) -> User:
    """The community's first editor, else an administrator, else the owner."""
    for role in (Role.EDITOR, Role.ADMIN, Role.OWNER):
        found = (
            Membership.objects.filter(community=community, role=role)
            .select_related("user")
            .order_by("joined_at", "id")
            .first()
        )
        if found is not None:
            return found.user
    raise LookupError(community.slug)


def _members(community: Community, count: int) -> list[User]:
    rows = (
        Membership.objects.filter(community=community, role=Role.MEMBER)
        .select_related("user")
        .order_by("joined_at", "id")[:count]
    )
    return [row.user for row in rows]


def _build(
    editor: User, community: Community, spec: dict[str, Any], questions: list[dict[str, Any]]
) -> tuple[Form, list[FormField]]:
    form = form_actions.create_form(actor=editor, community=community, data=spec)
    fields = [
        form_actions.add_field(actor=editor, form=form, data=question) for question in questions
    ]
    form_actions.update_form(actor=editor, form=form, data={"state": "open"})
    return form, fields


def _quiz(community: Community, editor: User, members: list[User]) -> Form:
    form, fields = _build(editor, community, QUIZ, QUIZ_QUESTIONS)
    for member, answers in zip(members, QUIZ_ANSWERS, strict=False):
        given = {
            str(field.pk): value for field, value in zip(fields, answers, strict=True) if value
        }
        answering.submit_response(actor=member, form=form, answers=given)
    return form


def _application(ctx: DemoContext, community: Community, editor: User, members: list[User]) -> Form:
    form, fields = _build(editor, community, APPLICATION, APPLICATION_QUESTIONS)
    name, level, dish, other_day, notes, consent = fields
    for index, (member, (sure, wish, note)) in enumerate(zip(members, APPLICANTS, strict=False)):
        given: dict[str, Any] = {
            str(name.pk): member.display_name or member.username,
            str(level.pk): sure,
            str(dish.pk): wish,
            str(consent.pk): True,
        }
        if note:
            given[str(notes.pk)] = note
        if index % 2:
            given[str(other_day.pk)] = (ctx.now.date().replace(day=1)).isoformat()
        response = answering.submit_response(actor=member, form=form, answers=given)
        if DECISIONS[index] != "submitted":
            form_actions.decide_response(actor=editor, response=response, status=DECISIONS[index])
    return form


def _survey(ctx: DemoContext, community: Community, editor: User, members: list[User]) -> Form:
    form, (cuisine, time, dish) = _build(editor, community, SURVEY, SURVEY_QUESTIONS)
    choices = SURVEY_QUESTIONS[0]["choices"]
    for index, member in enumerate(members):
        given: dict[str, Any] = {
            str(cuisine.pk): ctx.rng.choice(choices),
            str(time.pk): ctx.rng.randint(1, 5),
        }
        wish = SURVEY_DISHES[index % len(SURVEY_DISHES)]
        if wish:
            given[str(dish.pk)] = wish
        answering.submit_response(actor=member, form=form, answers=given)
    return form


def _guide(
    ctx: DemoContext, community: Community, editor: User, members: list[User]
) -> Guide | None:
    posts = list(
        Post.objects.filter(community=community, status=PostStatus.PUBLISHED).order_by(
            "published_at", "id"
        )[:9]
    )
    if len(posts) < len(GUIDE_MODULES):
        return None
    guide = guide_actions.create_guide(
        actor=editor,
        community=community,
        data={
            "title": "Knife skills from zero",
            "description": "Nine posts from our wall, in the order our teachers use them in class.",
            "published": True,
        },
    )
    size = len(posts) // len(GUIDE_MODULES)
    steps = []
    for index, (title, description) in enumerate(GUIDE_MODULES):
        module = guide_actions.add_module(
            actor=editor, guide=guide, data={"title": title, "description": description}
        )
        for number, post in enumerate(posts[index * size : (index + 1) * size]):
            note = "Read it, then try it with a carrot." if number == 0 else ""
            steps.append(
                guide_actions.add_step(
                    actor=editor, module=module, data={"post": post.pk, "note": note}
                )
            )
    for member in members:
        done = ctx.rng.randint(1, len(steps))
        for step in steps[:done]:
            guide_actions.mark_step_done(actor=member, step=step)
    return guide


def load_forms(ctx: DemoContext) -> None:
    """Learn to Cook's quiz, questionnaire, masterclass application and knife guide, with
    members' answers and progress."""
    community = Community.objects.filter(slug=BRAND).first()
    if community is None:
        return
    editor = _team(community)
    members = _members(community, 14)
    if not members:
        return
    ctx.objects["quiz"] = _quiz(community, editor, members[: len(QUIZ_ANSWERS)])
    ctx.objects["application"] = _application(ctx, community, editor, members[-len(APPLICANTS) :])
    ctx.objects["survey"] = _survey(ctx, community, editor, members[:12])
    ctx.objects["guide"] = _guide(ctx, community, editor, members[:10])
