"""Demo people: an operator and members with varied profiles (later apps add communities)."""

from __future__ import annotations

from communa.accounts.models import User
from communa.core.demo import DemoContext

DEMO_PASSWORD = "communa-demo"  # printed by `make demo`; never used outside the demo

# username, display name, gender, birth year, city, country, language, time zone
PEOPLE = [
    ("anna", "Анна Соколова", "female", 1991, "Москва", "RU", "ru", "Europe/Moscow"),
    ("taras", "Тарас Коваленко", "male", 1987, "Київ", "UA", "uk", "Europe/Kyiv"),
    ("linh", "Nguyễn Thùy Linh", "female", 1996, "Hà Nội", "VN", "vi", "Asia/Ho_Chi_Minh"),
    ("aiman", "Aiman Hakim", "male", 1993, "Kuala Lumpur", "MY", "ms", "Asia/Kuala_Lumpur"),
    ("emma", "Emma Clarke", "female", 1985, "Manchester", "GB", "en", "Europe/London"),
]


def load(ctx: DemoContext) -> None:
    """Create the operator and five members, unless they already exist."""
    admin = User.objects.filter(username__iexact="admin").first()
    if admin is None:
        admin = User.objects.create_superuser(
            username="admin",
            email="admin@demo.communa.local",
            password=DEMO_PASSWORD,
            display_name="Communa Admin",
            language="en",
            time_zone="UTC",
        )
    ctx.objects["operator"] = admin
    ctx.add_login("admin", DEMO_PASSWORD, "operator (Django admin at /admin/)")
    members = []
    for username, name, gender, year, city, country, language, zone in PEOPLE:
        user = User.objects.filter(username__iexact=username).first()
        if user is None:
            user = User(
                username=username,
                email=f"{username}@demo.communa.local",
                display_name=name,
                gender=gender,
                birth_year=year,
                city=city,
                country=country,
                language=language,
                time_zone=zone,
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
        members.append(user)
        ctx.add_login(username, DEMO_PASSWORD, f"member ({name}, {language})")
    ctx.objects["members"] = members
