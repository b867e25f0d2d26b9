"""The demo loader is idempotent and gives every demo login a working password."""

import pytest

from communa.accounts.models import User
from communa.core.demo import load_demo_data

pytestmark = pytest.mark.django_db


def test_loading_twice_creates_nothing_new():
    first = load_demo_data()
    count = User.objects.count()
    second = load_demo_data()
    assert User.objects.count() == count
    assert [login.username for login in first.logins] == [login.username for login in second.logins]


def test_every_demo_login_works(client):
    ctx = load_demo_data()
    assert len(ctx.logins) >= 2
    for login in ctx.logins:
        assert client.login(username=login.username, password=login.password), login.username
        client.logout()
    assert User.objects.get(username="admin").is_superuser
