"""The URL map narrowed by literal segments resolves exactly as Django's full walk does."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.http import HttpResponse
from django.urls import URLPattern, URLResolver, include, path, re_path
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RegexPattern, RoutePattern

from communa import urls as site_urls
from communa.core.routing import indexed

SAMPLES = {
    "int": "7",
    "slug": "bench-0",
    "str": "olga",
    "uuid": "0" * 8 + "-0000-0000-0000-" + "0" * 12,
}


def _root(patterns: list) -> URLResolver:
    return URLResolver(RegexPattern(r"^/"), patterns)


def _sample(route: str) -> str:
    return re.sub(
        r"<(?:([^>:]+):)?[^>]+>",
        lambda m: "a/b" if m[1] == "path" else SAMPLES[m[1] or "str"],
        route,
    )


def _paths(patterns: list, prefix: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern.pattern, RoutePattern):
            here = prefix + _sample(str(pattern.pattern))
        else:
            here = prefix + "media/x.png"
        if isinstance(pattern, URLResolver):
            yield from _paths(pattern.url_patterns, here)
        else:
            yield here


def _near(here: str) -> Iterator[str]:
    yield here
    yield here.rstrip("/")
    yield here + "/"
    yield here + "x"
    yield here + "x/"
    yield "x" + here
    head, _, tail = here.partition("/")
    yield head + "/extra/" + tail


def _outcome(resolver: URLResolver, here: str) -> tuple | None:
    try:
        match = resolver.resolve("/" + here)
    except Resolver404:
        return None
    return (
        match.func,
        match.args,
        match.kwargs,
        match.url_name,
        match.namespaces,
        match.route,
        match.captured_kwargs,
        match.extra_kwargs,
    )


def test_every_page_and_operation_of_the_site_resolves_as_with_the_full_walk():
    # given the site's URL map, narrowed and plain
    narrowed = _root(indexed(list(site_urls.patterns), list_misses=False))
    plain = _root(site_urls.patterns)
    paths = sorted({near for here in _paths(site_urls.patterns) for near in _near(here)})
    assert len(paths) > 1_500

    # then every sample path of every pattern, and its near misses, resolves to the same view
    # with the same arguments and names, or to no view in both
    resolved = 0
    for here in paths:
        outcome = _outcome(narrowed, here)
        assert outcome == _outcome(plain, here), here
        resolved += outcome is not None
    assert resolved > 500


def test_a_path_is_tried_only_against_the_patterns_that_could_match_it():
    narrowed, plain = _root(site_urls.urlpatterns), _root(site_urls.patterns)
    for here in ("/api/feed", "/api/posts/7/comments", "/c/bench-0/wall/", "/p/7/"):
        assert len(narrowed.resolve(here).tried) <= 5, here
        assert len(plain.resolve(here).tried) > 50, here


def test_a_path_that_matches_nothing_lists_every_pattern_like_django():
    narrowed, plain = _root(site_urls.urlpatterns), _root(site_urls.patterns)
    with pytest.raises(Resolver404) as ours:
        narrowed.resolve("/nothing/here/")
    with pytest.raises(Resolver404) as theirs:
        plain.resolve("/nothing/here/")
    assert len(ours.value.args[0]["tried"]) == len(theirs.value.args[0]["tried"]) > 150


def view(request, **kwargs):  # pragma: no cover - resolved, never called
    return HttpResponse()


def other(request, **kwargs):  # pragma: no cover - resolved, never called
    return HttpResponse()


INNER = (
    [
        path("c/<slug:slug>/", view, name="home"),
        path("c/new/", other, name="never"),  # shadowed by the slug above, as in Django
        path("c/<slug:slug>/wall/", view, name="wall"),
        path("files/<path:rest>/edit/", view, name="edit"),
        path("reports/<str:month>.html", view, name="report"),
    ],
    "inner",
)
SYNTHETIC = [
    path("api", include(([path("x/", view, name="x"), path("", other, name="root")], "api"))),
    path("", include(INNER)),
    path("c/<slug:slug>/wall/", other, name="late"),
    re_path(r"^(?P<any>[a-z]+)/$", other, name="regex"),
    path("<str:username>/", view, name="profile"),
    path("p/<int:pk>/", view, {"extra": True}, name="post"),
]


@pytest.mark.parametrize(
    "here",
    [
        "api",
        "apix/",
        "api/x/",
        "apinot/x/",
        "c/new/",
        "c/abc/",
        "c/abc/wall/",
        "c/abc/wall",
        "files/a/b/c/edit/",
        "files/a/edit/",
        "files/edit/",
        "reports/2026-11.html",
        "reports/x/2026-11.html",
        "olga/",
        "p/7/",
        "p/x/",
        "",
        "c/",
    ],
)
def test_narrowing_keeps_prefixes_wide_converters_and_the_order_of_patterns(here):
    # without the second walk on a miss, a pattern left out wrongly would show as a miss
    narrowed = _root(indexed(list(SYNTHETIC), list_misses=False))
    assert _outcome(narrowed, here) == _outcome(_root(SYNTHETIC), here)


def test_the_first_pattern_that_matches_wins_as_in_django():
    match = _root(indexed(list(SYNTHETIC))).resolve("/c/new/")
    assert (match.url_name, match.kwargs) == ("home", {"slug": "new"})
    assert isinstance(SYNTHETIC[0], URLResolver)
    assert isinstance(INNER[0][1], URLPattern)
