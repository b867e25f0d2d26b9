"""URL resolution that tries only the patterns a path could match.

Django's resolver tries a URL map's patterns one after the other and notes every pattern it
passed, so a path near the end of a long map pays for all the patterns before it: an `/api/`
path walked about 210 of the API's 265 routes (110–140 µs a request) and a community page
about 150 of the site's patterns (70–90 µs).

`indexed(patterns)` wraps a URL map in a resolver that first narrows the patterns by the
literal segments of their routes: a route `c/<slug:slug>/wall/` can only match a path whose
first segment is `c` and whose third is `wall`. Each resolver keeps, per combination of the
path's known literal segments (a bounded set: a segment that is no route's literal counts as
"other"), the list of the patterns that could match it, in their order, and resolves the path
against that list with Django's own code. Nested URL maps (`include`) are narrowed the same way
on what remains of the path. The narrowing only ever leaves out patterns that cannot match, so
the first match, and therefore the view, its arguments, names and namespaces, are Django's.

A path that matches nothing is resolved once more over the whole map, so a 404 (and its debug
page) lists every pattern tried, as Django does.
"""

from __future__ import annotations

import copy
import re
from typing import Any, cast

from django.urls import URLPattern, URLResolver
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RoutePattern

# How many leading segments of a path are compared with the routes' literal segments.
_DEPTH = 3
# A path segment that is not a literal of any route at its position.
_OTHER = None


def _segment_checks(pattern: URLPattern | URLResolver) -> list[dict[int, str]]:
    """The literal segments a path must have, by position, to match this pattern's route: one
    set of checks, or for a URL map included at "" (which sees the same path), one per pattern
    in it, any of which may hold. Only what is certain: an unknown kind of pattern gives no
    checks, so it is always tried."""
    route_pattern = pattern.pattern
    if not isinstance(route_pattern, RoutePattern):
        return [{}]
    route = getattr(route_pattern, "_route", None)  # the route as written in path()
    if not isinstance(route, str):  # a translated route reads differently per language
        return [{}]
    if route == "" and isinstance(pattern, URLResolver):
        return [checks for child in pattern.url_patterns for checks in _segment_checks(child)]
    segments = route.split("/")
    if isinstance(pattern, URLResolver):
        # A prefix (`include`) matches paths that merely start with its route: its last
        # segment, the one after its last "/", may continue in the path.
        segments = segments[:-1]
    checks: dict[int, str] = {}
    for position, segment in enumerate(segments[:_DEPTH]):
        if "<" not in segment:
            checks[position] = segment
            continue
        if _takes_a_slash(route_pattern, segment):
            break
    return [checks]


def _takes_a_slash(route_pattern: RoutePattern, segment: str) -> bool:
    names = re.findall(r"<(?:[^>:]+:)?([^>]+)>", segment)
    return any(
        re.fullmatch(route_pattern.converters[name].regex, "a/b") is not None
        for name in names
        if name in route_pattern.converters
    ) or any(name not in route_pattern.converters for name in names)


class IndexedResolver(URLResolver):
    """A `URLResolver` that resolves a path against the patterns that could match it."""

    # Set on the resolver `indexed()` makes: only the outermost one resolves a path that
    # matched nothing over again, to list every pattern tried.
    _complete_misses = False

    def _index(self) -> tuple[list[set[str]], list[tuple[Any, list[dict[int, str]]]]]:
        index = self.__dict__.get("_routing_index")
        if index is None:
            children = []
            for pattern in self.url_patterns:
                child = (
                    _indexed_copy(pattern)
                    if isinstance(pattern, URLResolver) and not isinstance(pattern, IndexedResolver)
                    else pattern
                )
                children.append((child, _segment_checks(child)))
            literals: list[set[str]] = [set() for _ in range(_DEPTH)]
            for _child, alternatives in children:
                for checks in alternatives:
                    for position, literal in checks.items():
                        literals[position].add(literal)
            index = (literals, children)
            self.__dict__["_routing_index"] = index
            self.__dict__["_routing_views"] = {}
        return index

    def _view(self, path: str) -> URLResolver:
        literals, children = self._index()
        segments = path.split("/", _DEPTH)
        key = tuple(
            segments[position]
            if position < len(segments) and segments[position] in literals[position]
            else _OTHER
            for position in range(_DEPTH)
        )
        views: dict[tuple[str | None, ...], URLResolver] = self.__dict__["_routing_views"]
        view = views.get(key)
        if view is None:
            view = copy.copy(self)
            view.__class__ = URLResolver  # type: ignore[assignment] # Django's resolve, our list
            view.__dict__["url_patterns"] = [
                child
                for child, alternatives in children
                if any(
                    all(key[position] == literal for position, literal in checks.items())
                    for checks in alternatives
                )
            ]
            views[key] = view
        return view

    def resolve(self, path: Any) -> Any:
        path = str(path)
        match = self.pattern.match(path)
        if match:
            try:
                return URLResolver.resolve(self._view(match[0]), path)
            except Resolver404:
                if not self._complete_misses:
                    raise
        return super().resolve(path)


def _indexed_copy(resolver: URLResolver) -> IndexedResolver:
    """The same resolver (pattern, URL map, names), narrowing its patterns as well."""
    clone = copy.copy(resolver)
    clone.__class__ = IndexedResolver  # the same object, narrowing
    clone.__dict__.pop("_routing_index", None)
    return cast(IndexedResolver, clone)


def indexed(
    patterns: list[URLPattern | URLResolver], *, list_misses: bool = True
) -> list[URLPattern | URLResolver]:
    """The URL map as one resolver that narrows the patterns before trying them (module
    docstring); reversing, names and namespaces are those of `patterns`. With `list_misses`, a
    path that matches nothing is walked again over the whole map, so its 404 lists every
    pattern, as Django's does."""
    resolver = IndexedResolver(RoutePattern(""), patterns)
    resolver._complete_misses = list_misses  # the outermost resolver only
    return [resolver]
