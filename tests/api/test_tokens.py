"""The token page: a logged-in user creates, replaces and revokes their API token; replacing or revoking
asks for a confirmation first."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

URL = "/me/api-tokens/"


def test_the_page_needs_a_login(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ["observer", "member", "taker", "chair", "staff", "outsider"])
def test_every_logged_in_role_sees_the_page(client, cast, role):
    client.force_login(cast[role])
    response = client.get(URL)
    assert response.status_code == 200
    assert "You have no API token." in response.content.decode()


def test_create_then_use_then_revoke_with_confirmation(client, cast):
    user = cast["member"]
    client.force_login(user)
    response = client.post(URL, {"action": "create"})
    assert response.status_code == 302
    token = Token.objects.get(user=user)
    assert token.key in client.get(URL).content.decode()

    # Revoking asks first and changes nothing until confirmed.
    response = client.post(URL, {"action": "revoke"})
    assert response.status_code == 200
    assert "Revoke your token?" in response.content.decode()
    assert Token.objects.filter(user=user).exists()

    response = client.post(URL, {"action": "revoke", "confirm": "yes"})
    assert response.status_code == 302
    assert not Token.objects.filter(user=user).exists()


def test_replacing_a_token_invalidates_the_old_key(client, cast):
    from rest_framework.test import APIClient

    user = cast["member"]
    old = Token.objects.create(user=user)
    client.force_login(user)
    assert "Replace your token?" in client.post(URL, {"action": "create"}).content.decode()
    assert Token.objects.get(user=user).key == old.key
    client.post(URL, {"action": "create", "confirm": "yes"})
    new = Token.objects.get(user=user)
    assert new.key != old.key
    api = APIClient()
    assert api.get("/api/action-items/", HTTP_AUTHORIZATION=f"Token {old.key}").status_code == 401
    assert api.get("/api/action-items/", HTTP_AUTHORIZATION=f"Token {new.key}").status_code == 200


def test_the_page_posts_need_the_csrf_token(cast):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(cast["member"])
    assert client.post(URL, {"action": "create"}).status_code == 403
    assert not Token.objects.exists()


def test_an_unknown_action_is_a_400(client, cast):
    client.force_login(cast["member"])
    assert client.post(URL, {"action": "steal"}).status_code == 400
    assert not Token.objects.exists()
