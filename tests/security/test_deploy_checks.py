"""Production settings, read the way production reads them: environment variables in a fresh process."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import Resolver404, resolve

ROOT = Path(__file__).resolve().parents[2]

# What a production process prints about itself: settings, the answer to an HTTPS request, and
# whether a stored upload's path is reachable through MEDIA_URL.
PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
from django.urls import Resolver404, resolve
response = Client().get("/accounts/login/", secure=True, headers={"host": "minutes.example.org"})
plain = Client().get("/accounts/login/", headers={"host": "minutes.example.org"})
try:
    resolve("/" + settings.MEDIA_URL.lstrip("/") + "recordings/1/0123456789abcdef.mp4")
    media_served = True
except Resolver404:
    media_served = False
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
    "CSRF_COOKIE_SECURE": settings.CSRF_COOKIE_SECURE,
    "SECURE_SSL_REDIRECT": settings.SECURE_SSL_REDIRECT,
    "SECURE_HSTS_SECONDS": settings.SECURE_HSTS_SECONDS,
    "status": response.status_code,
    "hsts": response.headers.get("Strict-Transport-Security", ""),
    "content_type_options": response.headers.get("X-Content-Type-Options", ""),
    "frame_options": response.headers.get("X-Frame-Options", ""),
    "csrf_cookie": response.cookies["csrftoken"].output() if "csrftoken" in response.cookies else "",
    "plain_status": plain.status_code,
    "plain_location": plain.headers.get("Location", ""),
    "media_served": media_served,
}))
"""


def production_env(tmp_path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="minutes.example.org",
        VAR_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="cscwg.settings",
    )
    env.update(extra)
    return env


def run(args, env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    result = run(["-c", PROBE], production_env(tmp_path_factory.mktemp("var")))
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_check_deploy_is_clean_with_production_environment(tmp_path):
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = run(["manage.py", "check"], production_env(tmp_path, SECRET_KEY=""))
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_cookies_are_secure_and_https_is_enforced_when_debug_is_off(production):
    assert production["DEBUG"] is False
    assert production["SESSION_COOKIE_SECURE"] and production["CSRF_COOKIE_SECURE"] and production["SECURE_SSL_REDIRECT"]
    assert production["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert production["status"] == 200
    assert "max-age=31536000" in production["hsts"] and "includeSubDomains" in production["hsts"]
    assert production["content_type_options"] == "nosniff" and production["frame_options"] == "DENY"
    assert "Secure" in production["csrf_cookie"] and "SameSite=Lax" in production["csrf_cookie"]
    assert production["plain_status"] == 301 and production["plain_location"].startswith("https://minutes.example.org/")


def test_uploads_are_not_reachable_through_media_url(production, tmp_path):
    assert production["media_served"] is False
    development = run(["-c", PROBE], {**production_env(tmp_path), "DEBUG": "true", "ALLOWED_HOSTS": "minutes.example.org"})
    assert development.returncode == 0, development.stderr[-3000:]
    assert json.loads(development.stdout.strip().splitlines()[-1])["media_served"] is False


def test_the_test_settings_serve_no_media_either(settings):
    with pytest.raises(Resolver404):
        resolve("/" + settings.MEDIA_URL.lstrip("/") + "recordings/1/0123456789abcdef.vtt")
