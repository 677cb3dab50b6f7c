"""The page shell: elder-mode switch, language switch, navigation by the five co's."""

import re

import pytest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gongzhi.core.middleware import ELDER_COOKIE
from gongzhi.core.navigation import NavItem, build_nav


def html_tag(content: str) -> str:
    match = re.search(r"<html[^>]*>", content)
    assert match is not None
    return match.group(0)


def site_nav(content: str) -> str:
    """Return the main navigation's markup, or "" when the page has none."""
    match = re.search(r'<nav class="site-nav".*?</nav>', content, re.S)
    return match.group(0) if match else ""


# ---- elder mode ----


@pytest.mark.django_db
def test_elder_switch_sets_the_cookie_and_returns_to_the_page(client):
    response = client.post(reverse("elder-mode"), {"next": "/accounts/login/", "on": "1"})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert response.cookies[ELDER_COOKIE].value == "1"
    assert response.cookies[ELDER_COOKIE]["max-age"] > 0


@pytest.mark.django_db
def test_elder_switch_off_clears_the_cookie(client):
    client.cookies[ELDER_COOKIE] = "1"

    response = client.post(reverse("elder-mode"), {"next": "/", "on": "0"})

    assert response.status_code == 302
    assert response.cookies[ELDER_COOKIE].value == ""
    assert response.cookies[ELDER_COOKIE]["max-age"] == 0


@pytest.mark.django_db
def test_elder_switch_without_on_flips_the_current_mode(client):
    first = client.post(reverse("elder-mode"), {"next": "/"})
    assert first.cookies[ELDER_COOKIE].value == "1"

    second = client.post(reverse("elder-mode"), {"next": "/"})
    assert second.cookies[ELDER_COOKIE].value == ""


@pytest.mark.django_db
@pytest.mark.parametrize(
    "unsafe_next",
    [
        "https://evil.example/",
        "//evil.example/path",
        "http://testserver.evil.example/",
        "javascript:alert(1)",
    ],
)
def test_elder_switch_redirects_only_to_safe_urls(client, unsafe_next):
    response = client.post(reverse("elder-mode"), {"next": unsafe_next, "on": "1"})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert response.cookies[ELDER_COOKIE].value == "1"


@pytest.mark.django_db
def test_elder_switch_refuses_get(client):
    response = client.get(reverse("elder-mode"), {"on": "1"})

    assert response.status_code == 405
    assert ELDER_COOKIE not in response.cookies


@pytest.mark.django_db
def test_page_has_elder_class_and_pressed_switch_in_elder_mode(client):
    client.cookies[ELDER_COOKIE] = "1"

    response = client.get(reverse("home"))

    assert response.status_code == 200
    content = response.content.decode()
    assert 'class="elder"' in html_tag(content)
    assert re.search(r'id="elder-switch"[^>]*value="0"[^>]*aria-pressed="true"', content)


@pytest.mark.django_db
def test_page_is_in_standard_mode_without_the_cookie(client):
    response = client.get(reverse("accounts:login"))

    assert response.status_code == 200
    content = response.content.decode()
    assert "elder" not in html_tag(content)
    assert re.search(r'id="elder-switch"[^>]*value="1"[^>]*aria-pressed="false"', content)


@pytest.mark.django_db
def test_switch_posts_back_to_the_current_page_with_csrf(client):
    response = client.get(reverse("accounts:login") + "?next=/registry/me/")

    content = response.content.decode()
    form = re.search(r'<form method="post" action="/elder-mode/">.*?</form>', content, re.S).group(
        0
    )
    assert 'name="csrfmiddlewaretoken"' in form
    assert 'name="next" value="/accounts/login/?next=/registry/me/"' in form


# ---- language ----


@pytest.mark.django_db
def test_pages_are_chinese_by_default(client, settings):
    settings.LANGUAGE_CODE = "zh-hans"  # the project's default; conftest reads tests in English
    response = client.get(reverse("home"))

    assert 'lang="zh-CN"' in html_tag(response.content.decode())
    assert 'data-speech-lang="zh-CN"' in response.content.decode()


@pytest.mark.django_db
def test_language_switch_turns_the_site_english_and_back(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    page = client.get(reverse("accounts:login")).content.decode()
    assert 'lang="en"' in html_tag(page)
    assert 'data-speech-lang="en-US"' in page
    assert re.search(r'value="en" lang="en" aria-current="true"', page)
    # Django ships its own Chinese catalogue, so the password label shows the switch works.
    assert "Password" in page

    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    page = client.get(reverse("accounts:login")).content.decode()
    assert 'lang="zh-CN"' in html_tag(page)
    assert "密码" in page


# ---- read-aloud and skip link ----


@pytest.mark.django_db
def test_read_aloud_button_is_hidden_until_script_finds_speech(client):
    content = client.get(reverse("home")).content.decode()

    assert re.search(r'<button type="button" class="read-aloud" id="read-aloud" hidden', content)
    assert 'href="#main"' in content
    assert '<main id="main"' in content


# ---- navigation ----


@pytest.mark.django_db
def test_anonymous_visitor_sees_no_navigation(client):
    content = client.get(reverse("home")).content.decode()

    assert site_nav(content) == ""
    assert reverse("accounts:login") in content


def test_staff_see_only_the_groups_that_have_pages(client, world):
    client.force_login(world.users["community_worker"])

    nav = site_nav(client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode())

    assert 'class="nav-group nav-manage"' in nav
    assert f'href="{reverse("home")}" aria-current="page"' in nav
    assert reverse("surveys:index") in nav  # a worker builds surveys (decide together)
    for empty in ("build", "share"):  # no app has pages there yet
        assert f"nav-{empty}" not in nav
    assert reverse("registry:my-data") not in nav


def test_grid_worker_sees_the_registry(client, world):
    client.force_login(world.users["grid_worker"])

    nav = site_nav(client.get(reverse("home")).content.decode())

    assert 'class="nav-group nav-manage"' in nav


def test_resident_sees_my_information_and_no_staff_navigation(client, world):
    client.force_login(world.users["resident"])

    response = client.get(reverse("home"))

    nav = site_nav(response.content.decode())
    assert reverse("registry:my-data") in nav
    assert "nav-manage" not in nav
    assert reverse("accounts:api-tokens") not in response.content.decode()


def test_user_without_roles_sees_no_navigation(client, world):
    client.force_login(world.users["outsider"])

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert site_nav(response.content.decode()) == ""


def test_build_nav_leaves_out_groups_without_visible_items(rf, world):
    request = rf.get("/somewhere/")
    request.user = world.users["resident"]
    items = [
        NavItem("home", _("Shown"), "decide", lambda scope: True),
        NavItem("home", _("Hidden"), "share", lambda scope: False),
    ]

    nav = build_nav(request, items)

    assert [group["key"] for group in nav] == ["decide"]
    assert [str(link["label"]) for link in nav[0]["links"]] == ["Shown"]
    assert nav[0]["links"][0]["current"] is False


# ---- home page ----


def test_home_lists_a_workers_communities_as_links(client, world):
    client.force_login(world.users["community_worker"])

    response = client.get(reverse("home"))

    content = response.content.decode()
    assert reverse("registry:community", args=[world.community.pk]) in content
    assert reverse("registry:community", args=[world.other_community.pk]) not in content
    assert reverse("registry:community", args=[world.far_community.pk]) not in content


def test_home_shows_a_residents_own_data_link(client, world):
    client.force_login(world.users["resident"])

    content = client.get(reverse("home")).content.decode()

    main = content.split('<main id="main"', 1)[1]
    assert reverse("registry:my-data") in main
    assert "registry/communities/" not in main
