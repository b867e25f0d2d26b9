"""Demo communities: a kitchenware brand's group, its public page and a masterclass event.

The team and the handful of named people go through the real actions (create, join, roles,
wiki, requests, invitations, blocks), so the demo exercises the same rules as the site. The
few hundred bulk members are inserted with bulk_create for speed, and the loader then writes
what `join_community` would have written for each (a join event with the same moment and
source) and sets `member_count` to the real count.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.hashers import make_password

from communa.accounts.demo import DEMO_PASSWORD
from communa.accounts.models import User
from communa.communities.actions import (
    block_member,
    create_community,
    decide_join_request,
    invite_to_community,
    join_community,
    request_to_join,
    respond_to_invitation,
    save_wiki_page,
    set_member_role,
)
from communa.communities.models import (
    Community,
    Invitation,
    JoinRequest,
    JoinSource,
    Membership,
    MembershipEvent,
    Role,
)
from communa.core.demo import DemoContext

BRAND_SLUG = "learn-to-cook"
PAGE_SLUG = "kitchen-pro"
EVENT_SLUG = "knife-skills-masterclass"
SHOP_URL = "https://kitchenpro.example"
POOL_SIZE = 430
MEMBERS_OF = {BRAND_SLUG: 300, PAGE_SLUG: 120, EVENT_SLUG: 40}

# role: username, display name, gender, birth year, city, country, language, time zone
TEAM = {
    Role.OWNER: ("olga_owner", "Ольга Смирнова", "female", 1982, "Москва", "RU", "ru",
                 "Europe/Moscow"),
    Role.ADMIN: ("admin_bohdan", "Богдан Мельник", "male", 1988, "Львів", "UA", "uk",
                 "Europe/Kyiv"),
    Role.EDITOR: ("editor_mai", "Trần Thị Mai", "female", 1995, "Đà Nẵng", "VN", "vi",
                  "Asia/Ho_Chi_Minh"),
    Role.MODERATOR: ("moderator_james", "James Walker", "male", 1979, "Leeds", "GB", "en",
                     "Europe/London"),
    Role.ANALYST: ("analyst_siti", "Siti Aminah", "female", 1991, "Kuala Lumpur", "MY", "ms",
                   "Asia/Kuala_Lumpur"),
}  # fmt: skip

# country, share, languages (weighted), cities with time zone and weight
PLACES: list[tuple[str, int, list[tuple[str, int]], list[tuple[str, str, int]]]] = [
    ("RU", 30, [("ru", 9), ("en", 1)], [
        ("Москва", "Europe/Moscow", 5), ("Санкт-Петербург", "Europe/Moscow", 3),
        ("Казань", "Europe/Moscow", 1), ("Екатеринбург", "Asia/Yekaterinburg", 1),
        ("Новосибирск", "Asia/Novosibirsk", 1),
    ]),
    ("UA", 18, [("uk", 8), ("ru", 1), ("en", 1)], [
        ("Київ", "Europe/Kyiv", 4), ("Львів", "Europe/Kyiv", 2),
        ("Одеса", "Europe/Kyiv", 2), ("Харків", "Europe/Kyiv", 1),
    ]),
    ("VN", 15, [("vi", 9), ("en", 1)], [
        ("Hà Nội", "Asia/Ho_Chi_Minh", 3), ("Thành phố Hồ Chí Minh", "Asia/Ho_Chi_Minh", 3),
        ("Đà Nẵng", "Asia/Ho_Chi_Minh", 1),
    ]),
    ("MY", 13, [("ms", 7), ("en", 3)], [
        ("Kuala Lumpur", "Asia/Kuala_Lumpur", 3), ("George Town", "Asia/Kuala_Lumpur", 1),
        ("Johor Bahru", "Asia/Kuala_Lumpur", 1),
    ]),
    ("GB", 12, [("en", 1)], [
        ("London", "Europe/London", 3), ("Manchester", "Europe/London", 2),
        ("Edinburgh", "Europe/London", 1),
    ]),
    ("KZ", 8, [("ru", 1)], [("Алматы", "Asia/Almaty", 2), ("Астана", "Asia/Almaty", 1)]),
    ("BY", 4, [("ru", 1)], [("Минск", "Europe/Minsk", 1)]),
]  # fmt: skip

# Names by the language a person's country speaks: (female first names, male first names,
# surnames as (male, female) pairs where the language inflects them).
NAMES: dict[str, tuple[list[str], list[str], list[tuple[str, str]]]] = {
    "ru": (
        ["Мария", "Екатерина", "Наталья", "Елена", "Ирина", "Дарья", "Светлана", "Алина"],
        ["Алексей", "Дмитрий", "Сергей", "Андрей", "Михаил", "Иван", "Никита", "Павел"],
        [("Иванов", "Иванова"), ("Кузнецов", "Кузнецова"), ("Попов", "Попова"),
         ("Волков", "Волкова"), ("Морозов", "Морозова"), ("Лебедев", "Лебедева"),
         ("Соколов", "Соколова"), ("Орлов", "Орлова")],
    ),
    "uk": (
        ["Олена", "Ірина", "Наталія", "Юлія", "Софія", "Катерина", "Оксана", "Марія"],
        ["Андрій", "Олександр", "Дмитро", "Сергій", "Микола", "Ярослав", "Василь", "Тарас"],
        [("Шевченко", "Шевченко"), ("Бондаренко", "Бондаренко"), ("Ткаченко", "Ткаченко"),
         ("Кравчук", "Кравчук"), ("Коваль", "Коваль"), ("Лисенко", "Лисенко"),
         ("Поліщук", "Поліщук"), ("Руденко", "Руденко")],
    ),
    "vi": (
        ["Lan", "Hương", "Thảo", "Ngọc", "Hà", "Trang", "Phương", "Linh"],
        ["Minh", "Hùng", "Tuấn", "Dũng", "Quang", "Huy", "Nam", "Khoa"],
        [("Nguyễn Văn", "Nguyễn Thị"), ("Trần Văn", "Trần Thị"), ("Lê Văn", "Lê Thị"),
         ("Phạm Đức", "Phạm Thị"), ("Hoàng Văn", "Hoàng Thị"), ("Vũ Đức", "Vũ Thị")],
    ),
    "ms": (
        ["Aisyah", "Nurul Izzah", "Farah", "Zarina", "Liyana", "Mei Ling", "Priya", "Hafizah"],
        ["Ahmad", "Muhammad Faiz", "Hafiz", "Azlan", "Farid", "Wei Jie", "Arjun", "Amir"],
        [("bin Rahman", "binti Rahman"), ("bin Ismail", "binti Ismail"),
         ("bin Hassan", "binti Hassan"), ("bin Yusof", "binti Yusof"),
         ("bin Ibrahim", "binti Ibrahim"), ("bin Osman", "binti Osman")],
    ),
    "en": (
        ["Olivia", "Amelia", "Sophie", "Charlotte", "Grace", "Hannah", "Chloe", "Lucy"],
        ["Oliver", "Jack", "Harry", "George", "Thomas", "Daniel", "Samuel", "Ben"],
        [("Smith", "Smith"), ("Jones", "Jones"), ("Taylor", "Taylor"), ("Brown", "Brown"),
         ("Wilson", "Wilson"), ("Evans", "Evans"), ("Hughes", "Hughes"), ("Wright", "Wright")],
    ),
}  # fmt: skip
COUNTRY_NAMES = {"RU": "ru", "UA": "uk", "VN": "vi", "MY": "ms", "GB": "en", "KZ": "ru", "BY": "ru"}

# Where members came from, weighted per community (R3.4): a brand group grows from search and
# its shop's widget, a company page from ads, an event from the group it belongs to.
SOURCE_MIX = {
    BRAND_SLUG: {
        JoinSource.SEARCH: 26,
        JoinSource.CATALOG: 12,
        JoinSource.INVITATION: 14,
        JoinSource.WIDGET: 13,
        JoinSource.AD: 14,
        JoinSource.CROSSPOST: 7,
        JoinSource.COMMUNITY: 6,
        JoinSource.DIRECT: 8,
    },
    PAGE_SLUG: {
        JoinSource.SEARCH: 28,
        JoinSource.CATALOG: 14,
        JoinSource.WIDGET: 20,
        JoinSource.AD: 20,
        JoinSource.CROSSPOST: 6,
        JoinSource.COMMUNITY: 4,
        JoinSource.DIRECT: 6,
        JoinSource.INVITATION: 2,
    },
    EVENT_SLUG: {
        JoinSource.INVITATION: 30,
        JoinSource.COMMUNITY: 25,
        JoinSource.CROSSPOST: 10,
        JoinSource.DIRECT: 15,
        JoinSource.AD: 10,
        JoinSource.SEARCH: 10,
    },
}
AD_SOURCES = ["vk", "facebook", "instagram", "google", "telegram_ads"]
AD_CAMPAIGNS = {
    BRAND_SLUG: ["autumn-recipes", "cook-at-home", "cast-iron-week"],
    PAGE_SLUG: ["brand-awareness", "knife-sale", "new-store"],
    EVENT_SLUG: ["masterclass-launch"],
}

# The first two are decided (one approved, one rejected); the other eight stay pending and
# speak each of the five languages.
REQUEST_MESSAGES = [
    "Я повар-любитель из Казани, буду в городе в эти дни.",
    "Boleh saya bawa pisau sendiri?",
    "Здравствуйте! Давно хочу научиться правильно держать нож. Можно к вам?",
    "Добрий день! Я куховарю вдома щодня, дуже хочу потрапити на майстер-клас.",
    "Xin chào, mình mới học nấu ăn và muốn tham gia lớp kỹ năng dùng dao.",
    "Salam, saya berminat untuk menyertai kelas pisau ini. Terima kasih!",
    "Hi! I bought a chef's knife from you last month and would love to learn to use it properly.",
    "",
    "Mình là thành viên nhóm Learn to Cook, mong được tham gia!",
    "Please let me in — my partner is already going.",
]

BRAND_DESCRIPTION = (
    "Learn to Cook is the cooking club of the Kitchen Pro shop: weekly recipes from our chefs, "
    "questions about pans and knives answered by people who use them every day, and members' "
    "own dishes. Beginners are welcome — nobody was born knowing how to make an omelette."
)
WIKI_PAGES = [
    (
        "rules",
        "Community rules",
        (
            "1. Be kind: everyone here was a beginner once.\n"
            "2. Share recipes you have cooked yourself, with a photo if you can.\n"
            "3. No advertising of other shops; questions about our products are welcome.\n"
            "4. Moderators may remove posts that break these rules and block repeat offenders."
        ),
    ),
    (
        "recipes",
        "Recipes index",
        (
            "Breakfasts: syrniki, shakshuka, nasi lemak, phở at home.\n"
            "Soups: borscht, tom yum, leek and potato.\n"
            "Mains: chicken Kyiv, beef rendang, bún chả, fish pie.\n"
            "Baking: honey cake, banana bread, Victoria sponge."
        ),
    ),
    (
        "delivery",
        "Delivery and payment",
        (
            "Kitchen Pro delivers in 1–3 days in the cities where we have a store, and in "
            "5–10 days elsewhere. Pay by card online or on delivery. Members of this group get "
            "5% off with the code LEARNTOCOOK. Details: https://kitchenpro.example/delivery"
        ),
    ),
]


@dataclass
class Person:
    """The profile of one bulk demo member."""

    username: str
    display_name: str
    gender: str
    birth_year: int | None
    city: str
    country: str
    language: str
    time_zone: str


def _weighted(rng: random.Random, choices: list[tuple[Any, int]]) -> Any:
    values, weights = zip(*choices, strict=True)
    return rng.choices(values, weights=weights)[0]


def _person(rng: random.Random, index: int, year: int) -> Person:
    country, _share, languages, cities = rng.choices(PLACES, weights=[p[1] for p in PLACES])[0]
    city, zone, _weight = rng.choices(cities, weights=[c[2] for c in cities])[0]
    language = _weighted(rng, languages)
    gender = _weighted(rng, [("female", 52), ("male", 42), ("other", 2), ("", 4)])
    females, males, surnames = NAMES[COUNTRY_NAMES[country]]
    female = gender == "female" or (gender in {"other", ""} and rng.random() < 0.5)
    first = rng.choice(females if female else males)
    male_surname, female_surname = rng.choice(surnames)
    surname = female_surname if female else male_surname
    # Vietnamese names put the family first; the others put it last.
    name = f"{surname} {first}" if country == "VN" else f"{first} {surname}"
    # Most members are 25–45; the youngest 16, the oldest 70.
    age = round(rng.triangular(16, 70, 32))
    birth_year = None if rng.random() < 0.06 else year - age
    return Person(
        username=f"member_{index:04d}",
        display_name=name,
        gender=gender,
        birth_year=birth_year,
        city=city,
        country=country,
        language=language,
        time_zone=zone,
    )


def _ensure_users(people: list[Person], password: str, now: datetime) -> list[User]:
    """The users of these profiles, creating the missing ones in one INSERT."""
    wanted = [p.username for p in people]
    existing = set(User.objects.filter(username__in=wanted).values_list("username", flat=True))
    User.objects.bulk_create(
        [
            User(
                username=p.username,
                email=f"{p.username}@demo.communa.local",
                password=password,
                display_name=p.display_name,
                gender=p.gender,
                birth_year=p.birth_year,
                city=p.city,
                country=p.country,
                language=p.language,
                time_zone=p.time_zone,
                date_joined=now - timedelta(days=130 + index % 700, minutes=index * 7),
            )
            for index, p in enumerate(people)
            if p.username not in existing
        ],
        batch_size=500,
    )
    by_name = {u.username: u for u in User.objects.filter(username__in=wanted)}
    return [by_name[name] for name in wanted]


def _ensure_team(password: str, now: datetime) -> dict[str, User]:
    users = _ensure_users([Person(*row) for row in TEAM.values()], password, now)
    return dict(zip(TEAM, users, strict=True))


def _joined_at(rng: random.Random, now: datetime, days: float) -> datetime:
    # More joins lately than long ago, as a growing community has.
    return now - timedelta(days=days * rng.random() ** 1.4, minutes=rng.randint(1, 59))


def _utm(rng: random.Random, slug: str, source: str) -> dict[str, str]:
    if source == JoinSource.AD:
        return {
            "utm_source": rng.choice(AD_SOURCES),
            "utm_medium": "cpc",
            "utm_campaign": rng.choice(AD_CAMPAIGNS[slug]),
            "utm_content": rng.choice(["banner-a", "banner-b", "video"]),
        }
    if source == JoinSource.WIDGET and rng.random() < 0.7:
        return {"utm_source": "kitchenpro.example", "utm_medium": "widget"}
    if source == JoinSource.CROSSPOST and rng.random() < 0.5:
        return {"utm_source": "telegram", "utm_medium": "social"}
    return {}


def _add_bulk_members(
    rng: random.Random, community: Community, users: list[User], now: datetime, days: float
) -> None:
    """Insert memberships and their join events as the join action would write them."""
    mix = list(SOURCE_MIX[community.slug].items())
    memberships = []
    for user in users:
        source = _weighted(rng, mix)
        memberships.append(
            Membership(
                community=community,
                user=user,
                role=Role.MEMBER,
                joined_at=_joined_at(rng, now, days),
                source=source,
                **_utm(rng, community.slug, source),
            )
        )
    Membership.objects.bulk_create(memberships, batch_size=500)
    MembershipEvent.objects.bulk_create(
        [
            MembershipEvent(
                community=community,
                user=m.user,
                kind=MembershipEvent.Kind.JOIN,
                source=m.source,
                at=m.joined_at,
            )
            for m in memberships
        ],
        batch_size=500,
    )


def _backdate(community: Community, user: User, moment: datetime) -> None:
    """Move a join made by the real action back in time, with its join event."""
    Membership.objects.filter(community=community, user=user).update(joined_at=moment)
    MembershipEvent.objects.filter(
        community=community, user=user, kind=MembershipEvent.Kind.JOIN
    ).update(at=moment)


def _settle_count(community: Community) -> None:
    count = Membership.objects.filter(community=community).count()
    Community.objects.filter(pk=community.pk).update(member_count=count)
    community.member_count = count


def _appoint(community: Community, team: dict[str, User], roles: list[str]) -> None:
    """Team members join, then the owner appoints the admin and the admin the rest."""
    owner = team[Role.OWNER]
    for role in roles:
        join_community(actor=team[role], community=community, source=JoinSource.DIRECT)
    for role in roles:
        appointer = owner if role == Role.ADMIN or Role.ADMIN not in roles else team[Role.ADMIN]
        set_member_role(actor=appointer, community=community, user=team[role], role=role)


def _load_brand(
    rng: random.Random, ctx: DemoContext, team: dict[str, User], pool: list[User]
) -> Community:
    now = ctx.now
    community = create_community(
        actor=team[Role.OWNER],
        data={
            "kind": "group",
            "category": "interest",
            "name": "Learn to Cook",
            "slug": BRAND_SLUG,
            "description": BRAND_DESCRIPTION,
            "contacts": "Kitchen Pro customer care: hello@kitchenpro.example, +44 20 7946 0018",
            "links": [
                {"title": "Kitchen Pro shop", "url": f"{SHOP_URL}/"},
                {"title": "Knives and sharpening", "url": f"{SHOP_URL}/knives"},
                {"title": "Recipes blog", "url": f"{SHOP_URL}/blog"},
            ],
            "privacy": "open",
            "wall_mode": "open",
            "comment_policy": "everyone",
            "links_allowed": False,
            "obscene_filter": True,
        },
    )
    _appoint(community, team, [Role.ADMIN, Role.EDITOR, Role.MODERATOR, Role.ANALYST])
    for position, (slug, title, body) in enumerate(WIKI_PAGES):
        save_wiki_page(
            actor=team[Role.EDITOR],
            community=community,
            slug=slug,
            title=title,
            body=body,
            position=position,
        )
    demo_people = ctx.objects.get("members", [])
    own_sources = [
        (JoinSource.SEARCH, {}),
        (JoinSource.CATALOG, {}),
        (JoinSource.WIDGET, {"utm_source": "kitchenpro.example", "utm_medium": "widget"}),
        (JoinSource.AD, {"utm_source": "instagram", "utm_campaign": "cook-at-home"}),
        (JoinSource.CROSSPOST, {"utm_source": "telegram"}),
    ]
    for person, (source, utm) in zip(demo_people, own_sources, strict=False):
        join_community(actor=person, community=community, source=source, utm=utm)
    members = rng.sample(pool, MEMBERS_OF[BRAND_SLUG])
    _add_bulk_members(rng, community, members, now, days=90)

    created = now - timedelta(days=120)
    Community.objects.filter(pk=community.pk).update(created_at=created)
    for offset, user in enumerate(team[role] for role in TEAM_ORDER):
        _backdate(community, user, created + timedelta(days=offset * 2, hours=offset))
    for user in demo_people:
        _backdate(community, user, _joined_at(rng, now, 90))

    spammer = members[7]
    block_member(
        actor=team[Role.MODERATOR],
        community=community,
        user=spammer,
        reason="Advertises another shop's knives in every discussion after two warnings.",
        ends_at=now + timedelta(days=30),
    )
    chosen = set(members)
    outsiders = [user for user in pool if user not in chosen]
    invite_to_community(
        actor=team[Role.ADMIN], community=community, invitees=rng.sample(outsiders, 4)
    )
    Community.objects.filter(pk=community.pk).update(featured=True, featured_rank=1)
    _settle_count(community)
    return community


def _load_page(
    rng: random.Random, ctx: DemoContext, team: dict[str, User], pool: list[User]
) -> Community:
    now = ctx.now
    community = create_community(
        actor=team[Role.OWNER],
        data={
            "kind": "public_page",
            "category": "company",
            "name": "Kitchen Pro — official page",
            "slug": PAGE_SLUG,
            "description": "News, new collections and offers of the Kitchen Pro kitchenware shop.",
            "contacts": "hello@kitchenpro.example",
            "links": [{"title": "Kitchen Pro shop", "url": f"{SHOP_URL}/"}],
            "privacy": "open",
            "wall_mode": "limited",
        },
    )
    _appoint(community, team, [Role.ADMIN, Role.ANALYST])
    members = rng.sample(pool, MEMBERS_OF[PAGE_SLUG])
    _add_bulk_members(rng, community, members, now, days=90)
    created = now - timedelta(days=100)
    Community.objects.filter(pk=community.pk).update(
        created_at=created, verified=True, featured=True, featured_rank=2
    )
    for offset, role in enumerate([Role.OWNER, Role.ADMIN, Role.ANALYST]):
        _backdate(community, team[role], created + timedelta(days=offset))
    chosen = set(members)
    spammer = next(user for user in reversed(pool) if user not in chosen)
    block_member(
        actor=team[Role.ADMIN],
        community=community,
        user=spammer,
        reason="Fake giveaway links in comments.",
    )
    _settle_count(community)
    return community


def _load_event(
    rng: random.Random, ctx: DemoContext, team: dict[str, User], pool: list[User]
) -> Community:
    now = ctx.now
    starts = (now + timedelta(days=14)).replace(hour=16, minute=0, second=0, microsecond=0)
    owner = team[Role.OWNER]
    community = create_community(
        actor=owner,
        data={
            "kind": "event",
            "category": "event",
            "name": "Knife skills masterclass",
            "slug": EVENT_SLUG,
            "description": (
                "Two hours with Kitchen Pro's chef: how to hold, sharpen and care for a knife, "
                "and how to dice an onion in a minute. Knives and aprons provided; 40 places."
            ),
            "contacts": "events@kitchenpro.example",
            "links": [{"title": "Kitchen Pro studio", "url": f"{SHOP_URL}/studio"}],
            "privacy": "closed",
            "event_starts_at": starts,
            "event_ends_at": starts + timedelta(hours=2),
            "event_place": "Kitchen Pro studio, 12 Deansgate, Manchester",
        },
    )
    # A closed event: the moderator comes in by invitation, as anyone may.
    (invitation,) = invite_to_community(
        actor=owner, community=community, invitees=[team[Role.MODERATOR]]
    )
    respond_to_invitation(actor=team[Role.MODERATOR], invitation=invitation, accept=True)
    set_member_role(
        actor=owner, community=community, user=team[Role.MODERATOR], role=Role.MODERATOR
    )
    members = rng.sample(pool, MEMBERS_OF[EVENT_SLUG])
    _add_bulk_members(rng, community, members, now, days=18)
    created = now - timedelta(days=20)
    Community.objects.filter(pk=community.pk).update(created_at=created)
    _backdate(community, owner, created)
    _backdate(community, team[Role.MODERATOR], created + timedelta(hours=3))

    chosen = set(members)
    outsiders = [user for user in pool if user not in chosen]
    askers = rng.sample(outsiders, len(REQUEST_MESSAGES))
    sources = [JoinSource.COMMUNITY, JoinSource.SEARCH, JoinSource.CROSSPOST, JoinSource.AD]
    requests = [
        request_to_join(
            actor=user, community=community, message=message, source=rng.choice(sources)
        )
        for user, message in zip(askers, REQUEST_MESSAGES, strict=True)
    ]
    for index, join_request in enumerate(requests):
        JoinRequest.objects.filter(pk=join_request.pk).update(
            created_at=now - timedelta(days=5, hours=index * 7)
        )
    moderator = team[Role.MODERATOR]
    decide_join_request(actor=moderator, join_request=requests[0], approve=True)
    decide_join_request(
        actor=moderator,
        join_request=requests[1],
        approve=False,
        reason="Places are for Learn to Cook members first; we'll announce a second date.",
    )
    asked = set(askers)
    # Anna's login shows a pending invitation.
    invitees = [user for user in ctx.objects.get("members", []) if user.username == "anna"]
    invitees += rng.sample([user for user in outsiders if user not in asked], 5)
    sent = invite_to_community(actor=owner, community=community, invitees=invitees)
    Invitation.objects.filter(pk__in=[i.pk for i in sent]).update(
        created_at=now - timedelta(hours=20)
    )
    _settle_count(community)
    return community


TEAM_ORDER = [Role.OWNER, Role.ADMIN, Role.EDITOR, Role.MODERATOR, Role.ANALYST]
LOADERS = [(BRAND_SLUG, _load_brand), (PAGE_SLUG, _load_page), (EVENT_SLUG, _load_event)]
ROLE_LOGINS = {
    Role.OWNER: "owner of Learn to Cook, Kitchen Pro and the masterclass",
    Role.ADMIN: "administrator of Learn to Cook and Kitchen Pro",
    Role.EDITOR: "editor of Learn to Cook (wiki pages)",
    Role.MODERATOR: "moderator of Learn to Cook and the masterclass (requests, blocks)",
    Role.ANALYST: "analyst of Learn to Cook and Kitchen Pro",
}


def load(ctx: DemoContext) -> None:
    """Create the brand's group, page and event with their team, members and pending work."""
    # A private random source drawn once from ctx.rng: later loaders see the same ctx.rng
    # state whether this one created its data or found it already there.
    rng = random.Random(ctx.rng.getrandbits(64))
    password = make_password(DEMO_PASSWORD)  # once: argon2 is slow on purpose
    team = _ensure_team(password, ctx.now)
    people = [_person(rng, index, ctx.now.year) for index in range(1, POOL_SIZE + 1)]
    pool = _ensure_users(people, password, ctx.now)
    communities: dict[str, Community] = {}
    for slug, loader in LOADERS:
        found = Community.objects.filter(slug__iexact=slug).first()
        communities[slug] = found or loader(rng, ctx, team, pool)
    ctx.objects["communities"] = communities
    ctx.objects["brand_team"] = team
    for role in TEAM_ORDER:
        ctx.add_login(team[role].username, DEMO_PASSWORD, ROLE_LOGINS[role])
