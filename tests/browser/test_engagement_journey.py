"""Engagement in a real browser: a member votes in a poll under a post and enters a photo
contest, another member votes for the photo, and the member checks a finished draw by running
the documented script on the inputs the contest page publishes. Every engagement page a member
and a team member see passes axe at desktop and phone widths in both colour schemes, and none
is wider than a phone."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from tests.browser.support import BROWSER_TEST, PHONE, log_in
from tests.browser.test_accessibility import violations_in_every_mode
from tests.engagement.contest_support import run_documented_script
from tests.factories import PASSWORD, add_member, image_bytes, image_upload, person

pytestmark = BROWSER_TEST


def _engagement_world() -> dict[str, Any]:
    """A community with a poll under a post, an open photo contest with one entry, a finished
    repost draw, a quiz and a questionnaire with answers, a guide, leaders and a badge, all made
    through engagement's actions."""
    from communa.communities.models import Community, Role
    from communa.engagement.actions import form_answers, guides
    from communa.engagement.actions.photos import submit_photo
    from communa.engagement.actions.polls import create_poll, vote_in_poll
    from communa.engagement.actions.recognition import award_badge, compute_month
    from communa.walls.actions.posts import share_post
    from tests.engagement.contest_support import contest_in, draw_rules, run_to_the_end
    from tests.engagement.forms_support import add_question, make_form, open_form
    from tests.factories import make_community
    from tests.walls.support import make_comment, make_post

    owner = person("owner_oanh", password=PASSWORD, display_name="Oanh")
    community = make_community(owner, name="Knife makers", slug="knives")
    Community.objects.filter(pk=community.pk).update(
        created_at=timezone.now() - timedelta(days=120)
    )
    olga = add_member(community, person("olga", password=PASSWORD, display_name="Olga"))
    ivan = add_member(community, person("ivan", password=PASSWORD, display_name="Ivan"))
    editor = add_member(
        community, person("editor_emil", password=PASSWORD, display_name="Emil"), Role.EDITOR
    )

    # A poll under a post, and a standalone one.
    post = make_post(community, body="Our next workshop is about knives.")
    poll = create_poll(
        actor=owner,
        community=community,
        data={"question": "Which knife first?", "options": ["Gyuto", "Petty"], "post_id": post.pk},
    )
    standalone = create_poll(
        actor=owner,
        community=community,
        data={"question": "Tea or coffee?", "options": ["Tea", "Coffee"], "anonymous": False},
    )
    tea, coffee = standalone.options.order_by("position")
    vote_in_poll(actor=olga, poll=standalone, option_ids=[tea.pk])
    vote_in_poll(actor=ivan, poll=standalone, option_ids=[coffee.pk])

    # A repost draw among five sharers, run to its end by the contest runner
    # (first: the runner moves every contest due by then).
    shared = make_post(community, body="Share this post to win a whetstone.")
    for name in ("anna", "Bao", "chen", "dara", "emre"):
        sharer = add_member(community, person(name, display_name=name.title()))
        share_post(actor=sharer, post=shared)
    draw = run_to_the_end(
        contest_in(
            community, owner, data=draw_rules(shared, title="Share and win", winners_count=2)
        )
    )

    # A draft the team is still writing.
    contest_in(community, owner, announce=False, title="Autumn photo walk")

    # An open photo contest with Ivan's photo in it.
    photo = contest_in(community, owner, title="Best blade photo")
    submit_photo(actor=ivan, contest=photo, upload=image_upload(80, 60), caption="My gyuto")

    # A quiz Olga has answered and a questionnaire with answers.
    quiz = make_form(
        community,
        kind="quiz",
        title="Steel quiz",
        bands=[{"min": 0, "message": "Keep practising."}, {"min": 2, "message": "Sharp!"}],
    )
    steel = add_question(
        quiz, "single_choice", "Hardest steel?", choices=["VG10", "ZDP-189"], correct="ZDP-189"
    )
    angle = add_question(quiz, "number", "Usual angle?", correct=15)
    open_form(quiz)
    form_answers.submit_response(
        actor=olga, form=quiz, answers={str(steel.pk): "ZDP-189", str(angle.pk): 20}
    )
    survey = make_form(community, title="Workshop survey")
    add_question(survey, "short_text", "Your name", required=True)
    add_question(survey, "single_choice", "Best day?", choices=["Saturday", "Sunday"])
    open_form(survey)
    name_question = survey.fields.get(label="Your name")
    form_answers.submit_response(actor=ivan, form=survey, answers={str(name_question.pk): "Ivan"})

    # A published guide of two posts, with Olga's progress.
    guide = guides.create_guide(
        actor=owner, community=community, data={"title": "Knife basics", "published": True}
    )
    module = guides.add_module(actor=owner, guide=guide, data={"title": "Holding"})
    lessons = [make_post(community, body=f"Lesson {n}: hold it like this.") for n in (1, 2)]
    steps = [
        guides.add_step(actor=owner, module=module, data={"post": lesson.pk}) for lesson in lessons
    ]
    guides.mark_step_done(actor=olga, step=steps[0])

    # Last month's leaders, and a badge given by hand.
    last_month = (timezone.now().replace(day=1) - timedelta(days=1)).replace(day=1)
    from communa.walls.models import Comment, Post

    talk = make_post(community, olga, body="How do you strop?")
    make_comment(talk, ivan, "On leather.")
    moment = timezone.now().replace(day=1) - timedelta(days=10)
    Post.objects.filter(pk=talk.pk).update(created_at=moment, published_at=moment)
    Comment.objects.filter(post=talk).update(created_at=moment)
    compute_month(actor=owner, community=community, month=last_month.date())
    award_badge(actor=owner, community=community, user=olga, label="Helper", reason="Always kind")

    return {
        "community": community,
        "owner": owner,
        "editor": editor,
        "olga": olga,
        "ivan": ivan,
        "poll": poll,
        "standalone": standalone,
        "photo": photo,
        "draw": draw,
        "quiz": quiz,
        "survey": survey,
        "guide": guide,
        "step": steps[0],
        "question": name_question,
    }


@pytest.mark.django_db(transaction=True)
def test_a_member_votes_enters_a_photo_contest_and_verifies_a_draw(new_context, live_server):
    from playwright.sync_api import expect

    from communa.engagement.models import BallotChoice, ContestEntry

    # given a community with a poll under a post, an open photo contest and a finished draw
    world = _engagement_world()
    base = live_server.url
    poll, photo, draw = world["poll"], world["photo"], world["draw"]

    # when Olga opens the wall and votes in the poll under the post
    page = new_context().new_page()
    log_in(page, base, "olga")
    page.goto(f"{base}/c/knives/")
    card = page.locator(f"#poll-{poll.pk}")
    expect(card).to_be_visible()
    card.get_by_label("Petty").check()
    card.get_by_role("button", name="Vote").click()

    # then the card shows the results with her choice
    expect(card.locator(".poll-results")).to_contain_text("Petty")
    expect(card.locator(".poll-results")).to_contain_text("your choice")
    expect(card).to_contain_text("1 person voted.")
    chosen = BallotChoice.objects.filter(poll=poll, ballot__voter=world["olga"])
    assert list(chosen.values_list("option__text", flat=True)) == ["Petty"]

    # and the poll's own page says the same
    card.get_by_role("link", name="Open the poll's page").click()
    page.wait_for_url(f"**/c/knives/polls/{poll.pk}/")
    expect(page.locator(".poll-results")).to_contain_text("100 % · 1 vote")
    found = violations_in_every_mode(page, "poll with results")

    # when she opens the photo contest and sends a photo
    page.goto(f"{base}/c/knives/contests/")
    page.get_by_role("link", name="Best blade photo").click()
    page.wait_for_url(f"**/c/knives/contests/{photo.pk}/")
    page.locator("#id_photo").set_input_files(
        {"name": "blade.png", "mimeType": "image/png", "buffer": image_bytes(120, 90)}
    )
    page.locator("#id_caption").fill("Damascus petty")
    page.get_by_role("button", name="Send", exact=True).click()
    page.wait_for_url(f"**/c/knives/contests/{photo.pk}/")

    # then her entry is in the gallery, with its picture, and she may vote for Ivan's but not hers
    expect(page.get_by_text("Your photo is in the contest.")).to_be_visible()
    mine = ContestEntry.objects.get(contest=photo, user=world["olga"])
    entry = page.locator(f"#entry-{mine.number}")
    expect(entry).to_contain_text("Damascus petty")
    expect(entry.locator("img")).to_have_attribute("alt", re.compile("by olga"))
    assert entry.locator("img").evaluate("img => img.complete && img.naturalWidth > 0")
    expect(entry.get_by_role("button")).to_have_count(0)
    found += violations_in_every_mode(page, "photo contest after sending")
    page.get_by_role("button", name="Vote for #1").click()
    page.wait_for_url(f"**/c/knives/contests/{photo.pk}/#entry-1")
    expect(page.locator("#entry-1 .contest-votes")).to_have_text("1 vote")

    # when Ivan votes for her photo
    ivan_page = new_context().new_page()
    log_in(ivan_page, base, "ivan")
    ivan_page.goto(f"{base}/c/knives/contests/{photo.pk}/")
    ivan_page.get_by_role("button", name=f"Vote for #{mine.number}").click()
    ivan_page.wait_for_url(f"**/contests/{photo.pk}/#entry-{mine.number}")

    # then both see her photo's vote
    expect(ivan_page.locator(f"#entry-{mine.number} .contest-votes")).to_have_text("1 vote")
    expect(
        ivan_page.get_by_role("button", name=f"Take back my vote for #{mine.number}")
    ).to_be_visible()
    page.reload()
    expect(page.locator(f"#entry-{mine.number} .contest-votes")).to_have_text("1 vote")

    # when Olga reads the draw's published inputs from its page's Verify section
    page.goto(f"{base}/c/knives/contests/{draw.pk}/")
    verify = page.locator("section.contest-verify")
    expect(verify.get_by_role("heading", name="Verify")).to_be_visible()

    def fact(name: str) -> str:
        return verify.locator(f"dt:text-is('{name}') + dd").inner_text().strip()

    verify.locator("summary", has_text="in draw order").click()
    verify.locator("summary", has_text="The script").click()
    found += violations_in_every_mode(page, "drawn contest, Verify open")
    entries = [text.strip() for text in verify.locator("ol.contest-entries li").all_inner_texts()]
    published = {
        "commitment": fact("Commitment"),
        "seed": fact("Seed"),
        "entries": entries,
        "winners_count": int(fact("Number of winners")),
    }
    shown_winners = [name.strip() for name in fact("Winners").split(",")]

    # and runs the documented script on them, as the documentation says
    done = run_documented_script(published)

    # then the script accepts the seed and the order, and prints the winners the page shows
    assert done.returncode == 0, done.stderr
    assert published["entries"] == ["anna", "Bao", "chen", "dara", "emre"]
    assert published["winners_count"] == 2
    assert done.stdout.split() == shown_winners
    assert len(shown_winners) == 2
    winners_list = page.locator("section[aria-labelledby=winners-heading] li")
    expect(winners_list).to_have_count(2)
    for position, name in enumerate(shown_winners):
        expect(winners_list.nth(position)).to_contain_text(f"@{name}")
    assert not found, "\n".join(found)


def _member_pages(world: dict[str, Any]) -> list[str]:
    poll, standalone = world["poll"], world["standalone"]
    photo, draw, quiz, survey, guide = (
        world[key] for key in ("photo", "draw", "quiz", "survey", "guide")
    )
    return [
        "/c/knives/",  # the community's home: what to take part in, a poll under a post
        "/c/knives/polls/",
        f"/c/knives/polls/{poll.pk}/",
        f"/c/knives/polls/{standalone.pk}/",
        f"/c/knives/polls/{standalone.pk}/voters/",
        "/c/knives/contests/",
        f"/c/knives/contests/{photo.pk}/",
        f"/c/knives/contests/{draw.pk}/",
        "/c/knives/forms/",
        f"/c/knives/forms/{quiz.pk}/",  # Olga has answered: her result
        f"/c/knives/forms/{survey.pk}/",
        "/c/knives/guides/",
        f"/c/knives/guides/{guide.pk}/",
        "/c/knives/leaders/",
        "/c/knives/members/olga/badges/",
    ]


def _team_pages(world: dict[str, Any]) -> list[str]:
    poll, photo, draw, quiz, survey, guide = (
        world[key] for key in ("poll", "photo", "draw", "quiz", "survey", "guide")
    )
    return [
        f"/c/knives/polls/{poll.pk}/",
        "/c/knives/polls/manage/",
        "/c/knives/polls/new/",
        f"/c/knives/polls/{poll.pk}/edit/",
        "/c/knives/manage/contests/",
        f"/c/knives/manage/contests/{photo.pk}/",
        f"/c/knives/manage/contests/{draw.pk}/",
        "/c/knives/manage/forms/",
        f"/c/knives/manage/forms/{quiz.pk}/",
        f"/c/knives/manage/forms/{survey.pk}/",
        f"/c/knives/manage/forms/{survey.pk}/fields/{world['question'].pk}/",
        f"/c/knives/manage/forms/{survey.pk}/responses/",
        f"/c/knives/manage/forms/{quiz.pk}/summary/",
        f"/c/knives/manage/forms/{survey.pk}/summary/",
        "/c/knives/manage/guides/",
        f"/c/knives/manage/guides/{guide.pk}/",
        f"/c/knives/manage/guides/{guide.pk}/steps/{world['step'].pk}/",
        f"/c/knives/manage/guides/{guide.pk}/progress/",
        "/c/knives/manage/recognition/",
        "/c/knives/manage/recognition/core/",
        "/c/knives/members/olga/badges/",
    ]


FAILED_FORMS: dict[str, Any] = {
    # A survey sent without its required answer; a photo contest entry sent without a photo.
    "olga": lambda world: [
        (f"/c/knives/forms/{world['survey'].pk}/", "Send"),
        (f"/c/knives/contests/{world['photo'].pk}/", "Send"),
    ],
    # A poll, a contest, a form and a guide started without a title; a badge given to nobody.
    "editor_emil": lambda world: [
        ("/c/knives/polls/new/", "Open the poll"),
        ("/c/knives/manage/contests/", "Save as a draft"),
        ("/c/knives/manage/forms/", "Start"),
        ("/c/knives/manage/guides/", "Start"),
        ("/c/knives/manage/recognition/", "Give"),
    ],
}


@pytest.mark.django_db(transaction=True)
def test_engagement_pages_are_accessible_and_fit_a_phone(new_context, live_server):
    # given a community with engagement of every kind, a member and an editor
    world = _engagement_world()
    base = live_server.url
    found: list[str] = []
    too_wide: list[str] = []

    for username, paths in (("olga", _member_pages(world)), ("editor_emil", _team_pages(world))):
        page = new_context().new_page()
        log_in(page, base, username)
        for path in paths:
            # when axe checks each page at both widths in both colour schemes
            response = page.goto(base + path)
            assert response is not None
            assert response.status == 200, (username, path, response.status)
            found += violations_in_every_mode(page, f"{username} {path}")
            # and the page is shown on a phone
            page.set_viewport_size(PHONE)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                too_wide.append(f"{username} {path}: {width}px")
            page.set_viewport_size({"width": 1280, "height": 900})
        # and each role sends a form with a value missing, to see the page that explains it
        for path, button in FAILED_FORMS[username](world):
            page.goto(base + path)
            page.locator("main form").filter(
                has=page.get_by_role("button", name=button, exact=True)
            ).get_by_role("button", name=button, exact=True).click()
            page.wait_for_load_state()
            assert page.locator("[data-error-summary], .errorlist, [role=alert]").count(), path
            found += violations_in_every_mode(page, f"{username} {path} (failed form)")

    # then no page has a serious or critical violation, and none scrolls sideways on a phone
    assert not found, "\n".join(found)
    assert not too_wide, "\n".join(too_wide)
