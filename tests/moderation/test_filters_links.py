"""Links where a community bans them, link farms, known spam domains and mass mentions."""

from __future__ import annotations

import pytest

from communa.moderation.filters import FilterRules, check_text

pytestmark = pytest.mark.django_db(False)


def categories(text: str, rules: FilterRules | None = None) -> frozenset[str]:
    return check_text(text, rules=rules or FilterRules()).categories


def test_links_are_allowed_by_default() -> None:
    assert categories("Menu on https://example.com/menu") == frozenset()


def test_a_community_that_bans_links_gets_a_links_finding_with_their_places() -> None:
    text = "Details on example.com/events, thanks"
    result = check_text(text, rules=FilterRules(links_allowed=False))

    finding = result.finding("links")
    assert finding is not None
    assert finding.detail == "example.com"
    assert [text[s:e] for s, e in finding.spans] == ["example.com/events"]


def test_the_communitys_own_domains_stay_allowed_when_links_are_banned() -> None:
    rules = FilterRules(links_allowed=False, allowed_link_domains=("ourshop.my",))

    assert categories("Order at https://www.ourshop.my/cart", rules) == frozenset()
    assert categories("Order at shop.ourshop.my", rules) == frozenset()
    assert categories("Order at othershop.my", rules) == {"links"}


def test_more_links_than_the_limit_make_a_link_farm() -> None:
    text = "Deals: https://deal1.com https://deal2.com https://deal3.com https://deal4.com"

    assert "link_farm" in categories(text)
    assert "link_farm" not in categories(text, FilterRules(max_links=4, farm_domains=5))


def test_three_domains_in_a_short_text_make_a_link_farm_but_not_in_a_long_one() -> None:
    short = "Shops: best-price.ru, top-price.ru, mega-sale.ru"
    long = (
        "We compared prices for the school fair at best-price.ru, top-price.ru and "
        "mega-sale.ru; the first one had the cheapest paper plates, the second the best "
        "napkins, and the third delivers on Saturdays, which matters for us."
    )

    assert "link_farm" in categories(short)
    assert "link_farm" not in categories(long)


def test_two_links_are_not_a_link_farm() -> None:
    text = "Recipe here: povar.ru/recipes/123, video: youtube.com/watch?v=abc"

    assert categories(text) == frozenset()


def test_a_shipped_spam_domain_is_found_with_its_subdomains() -> None:
    assert categories("Check your IP: https://iplogger.org/2abc9") == {"spam_domain"}
    assert categories("See my pics: cdn.grabify.link/ABCD12") == {"spam_domain"}
    assert categories("Read the logger.org docs") == frozenset()


def test_a_community_adds_its_own_spam_domains() -> None:
    rules = FilterRules(spam_domains=("casino-bonus777.xyz",))
    result = check_text("Win! https://casino-bonus777.xyz/promo", rules=rules)

    finding = result.finding("spam_domain")
    assert finding is not None
    assert finding.detail == "casino-bonus777.xyz"
    assert "spam_domain" not in categories("Win! https://casino-bonus777.xyz/promo")


def test_more_distinct_mentions_than_the_limit_are_mass_mentions() -> None:
    text = "@ivan @olga @petr @masha @sergey @dima come to my page!"
    result = check_text(text, rules=FilterRules())

    finding = result.finding("mass_mentions")
    assert finding is not None
    assert len(finding.spans) == 6
    assert "mass_mentions" not in categories("@ivan @olga @petr @masha @sergey thanks!")
    assert "mass_mentions" not in categories(text, FilterRules(max_mentions=6))


def test_an_email_address_is_not_a_mention() -> None:
    text = "Write to a@b.com c@d.com e@f.com g@h.com i@j.com k@l.com"

    assert "mass_mentions" not in categories(text, FilterRules())
