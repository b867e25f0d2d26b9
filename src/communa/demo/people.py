"""The demo's people sign up and fill in their profiles through the accounts actions."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from communa.accounts.actions import create_admin, register_user, set_avatar, update_profile
from communa.accounts.models import User
from communa.demo import images
from communa.demo.context import DemoContext, data
from communa.demo.timeline import Timeline

ROLES = ("owner", "admin", "editor", "moderator", "analyst")
PROFILE = ("gender", "birth_year", "city", "country", "time_zone")


@dataclass(eq=False)
class Person:
    """One demo person's profile, and their account once they have signed up."""

    username: str
    display_name: str
    gender: str
    birth_year: int | None
    city: str
    country: str
    language: str
    time_zone: str
    user: Any = field(default=None, repr=False)


@dataclass(eq=False)
class People:
    """Everyone in the demo: the operator, the named members, the team by role and the pool."""

    operator: Any
    named: list[Person]
    team: dict[str, Person]
    pool: list[Person]

    def by_id(self) -> dict[int, User]:
        everyone = [*self.named, *self.team.values(), *self.pool]
        return {p.user.pk: p.user for p in everyone}


def _weighted(rng: random.Random, choices: list[list[Any]]) -> Any:
    values = [choice[0] for choice in choices]
    weights = [choice[-1] for choice in choices]
    return rng.choices(values, weights=weights)[0]


def _pool_person(rng: random.Random, index: int, year: int) -> Person:
    spec = data("people")
    places = spec["places"]
    place = rng.choices(places, weights=[p["share"] for p in places])[0]
    city, zone, _weight = rng.choices(place["cities"], weights=[c[2] for c in place["cities"]])[0]
    language = _weighted(rng, place["languages"])
    gender = _weighted(rng, [["female", 52], ["male", 42], ["other", 2], ["", 4]])
    names = spec["names"][spec["country_names"][place["country"]]]
    female = gender == "female" or (gender in {"other", ""} and rng.random() < 0.5)
    first = rng.choice(names["female"] if female else names["male"])
    male_surname, female_surname = rng.choice(names["surnames"])
    surname = female_surname if female else male_surname
    # Vietnamese names put the family first; the others put it last.
    name = f"{surname} {first}" if place["country"] == "VN" else f"{first} {surname}"
    # Most members are 25–45; the youngest 16, the oldest 70.
    age = round(rng.triangular(16, 70, 32))
    birth_year = None if rng.random() < 0.06 else year - age
    return Person(f"member_{index:04d}", name, gender, birth_year, city, place["country"],
                  language, zone)  # fmt: skip


def _sign_up(person: Person, password: str, *, with_avatar: bool) -> None:
    user = register_user(
        username=person.username,
        email=f"{person.username}@{data('people')['email_domain']}",
        password=password,
        display_name=person.display_name,
        language=person.language,
    )
    changes = {name: getattr(person, name) for name in PROFILE}
    changes = {name: value for name, value in changes.items() if value not in (None, "")}
    person.user = update_profile(actor=user, user=user, changes=changes)
    if with_avatar:
        initials = "".join(word[0] for word in person.display_name.split()[:2]).upper()
        set_avatar(actor=user, user=user, upload=images.avatar(person.username, initials))


def plan_people(ctx: DemoContext, timeline: Timeline) -> People:
    """Sign-ups from long before the communities started; logins for the people who matter."""
    spec = data("people")
    password = spec["password"]
    rng = random.Random(ctx.rng.getrandbits(64))
    named = [Person(**row) for row in spec["named"]]
    team = {role: Person(**spec["team"][role]) for role in ROLES}
    pool = [_pool_person(rng, index, ctx.now.year) for index in range(1, spec["pool_size"] + 1)]
    operator = spec["operator"]
    people = People(operator=None, named=named, team=team, pool=pool)

    def admin() -> None:
        user = create_admin(
            username=operator["username"],
            email=f"{operator['username']}@{spec['email_domain']}",
            password=password,
        )
        changes = {k: operator[k] for k in ("display_name", "language", "time_zone")}
        people.operator = update_profile(actor=user, user=user, changes=changes)

    timeline.add(ctx.days_ago(400), admin)
    featured = [*named, *team.values()]
    for index, person in enumerate([*featured, *pool]):
        moment = ctx.now - timedelta(days=130 + index % 700, minutes=index * 7)
        timeline.add(
            moment,
            lambda p=person, face=person in featured: _sign_up(p, password, with_avatar=face),
        )
    return people


def add_logins(ctx: DemoContext) -> None:
    """The logins to print: the operator, the named members and one per team role."""
    spec = data("people")
    password = spec["password"]
    ctx.add_login(spec["operator"]["username"], password, "operator (Django admin at /admin/)")
    for row in spec["named"]:
        ctx.add_login(
            row["username"], password, f"member ({row['display_name']}, {row['language']})"
        )
    for role in ROLES:
        ctx.add_login(spec["team"][role]["username"], password, spec["role_logins"][role])
