"""The wall journey in a real browser (Debian's Chromium driven by Playwright): post, like,
comment, and find the post in the feed."""

import pytest

from tests.browser.support import BROWSER_TEST, log_in
from tests.factories import UserFactory

pytestmark = BROWSER_TEST


@pytest.mark.django_db(transaction=True)
def test_post_on_a_wall_like_it_comment_and_find_it_in_the_feed(page, live_server, tmp_path):
    from playwright.sync_api import expect

    from communa.communities.actions import create_community, join_community
    from communa.walls.models import Comment, Like, Post

    owner = UserFactory(username="owner_olga")
    member = UserFactory(username="member_linh", display_name="Linh")
    community = create_community(actor=owner, data={"name": "Bếp Việt", "slug": "bep-viet"})
    join_community(actor=member, community=community)

    # given a member on the community's page, whose wall arrives through htmx
    log_in(page, live_server.url, "member_linh")
    page.goto(live_server.url + "/c/bep-viet/")
    expect(page.get_by_role("heading", name="Wall")).to_be_visible()

    # when they write a post with some Markdown and publish it
    page.locator("#id_body").fill("Phở **tonight** at seven, who is in?")
    page.get_by_role("button", name="Publish").click()
    page.wait_for_url("**/c/bep-viet/")
    card = page.locator("article.post-card", has_text="at seven, who is in?")
    expect(card).to_be_visible()
    expect(card.locator("strong", has_text="tonight")).to_be_visible()
    post = Post.objects.get()
    assert post.author == member

    # then they like it: htmx swaps the button, pressed, with the new count
    card.locator("form.like-form button").click()
    expect(card.locator("form.like-form button")).to_have_attribute("aria-pressed", "true")
    expect(card.locator(".like-count")).to_have_text("1")
    assert Like.objects.filter(post=post, user=member).exists()
    page.screenshot(path=str(tmp_path / "wall.png"), full_page=True)

    # and comment on it from the post page
    card.locator("a.post-date").click()
    page.wait_for_url(f"**/p/{post.pk}/")
    page.locator("#id_body").fill("I'll bring the herbs.")
    page.get_by_role("button", name="Comment").click()
    page.wait_for_url(f"**/p/{post.pk}/#comment-*")
    expect(page.locator(".comment-body", has_text="I'll bring the herbs.")).to_be_visible()
    assert Comment.objects.get().author == member
    page.screenshot(path=str(tmp_path / "post.png"), full_page=True)

    # and find the post, with its like and comment, in the feed
    page.get_by_role("link", name="Feed").click()
    page.wait_for_url("**/feed/")
    feed_card = page.locator(f"#post-{post.pk}")
    expect(feed_card).to_be_visible()
    expect(feed_card.locator(".like-count")).to_have_text("1")
    expect(feed_card.locator('a[href$="#comments"]')).to_contain_text("1")
    page.screenshot(path=str(tmp_path / "feed.png"), full_page=True)
