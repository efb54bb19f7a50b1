"""Rendered fragments of the busiest pages, kept until the data under them changes.

One shared *data version* (a random token in the cache, one per database name) names the state of the database. Every write to
the app's tables (INSERT, UPDATE, DELETE or TRUNCATE on ``minutes_*``, ``ballots_*`` and ``auth_user``,
and any schema change) replaces the token once it is committed. The writes are seen where they reach the
database, through Django's connection, so a ``save()``, a ``bulk_create``, a ``QuerySet.update()`` or raw
SQL, in a view, a Celery task or a management command, all count; no list of signals to keep up to date.
Writes made around Django (psql, a restored dump) do not: clear the cache after them.

A page reads the version once, before its first query (``snapshot()``), and stores what it rendered under
that version: a reader that saw the new token started after the commit, so it reads the new rows; a
fragment stored under an older token is never read again. While a connection holds uncommitted writes to
those tables (inside ``transaction.atomic``, and so in every test that writes inside its test transaction)
its snapshot neither reads nor stores: what it sees is not what other connections see.

Keys name the fragment and everything else it depends on: the viewer (``viewer()``: the user, or "anonymous")
for any page whose content depends on who looks, the page number, and time where the page shows it (the day
for "overdue", the minute for ballot clocks).
Forms in a fragment carry ``CSRF_PLACEHOLDER``; ``with_csrf()`` puts the request's own token there on the
way out.

The backend is ``CACHES["default"]`` (settings: ``CACHE_URL``): files in VAR_DIR by default, which every
process on the machine shares, or Redis. A cache that fails is logged and the page is rendered as if
nothing were cached.
"""

from __future__ import annotations

import hashlib
import logging
import random
import re
import secrets
from typing import Any

from django.core.cache import cache
from django.core.cache.backends.filebased import FileBasedCache
from django.db import connection, connections
from django.db.backends.signals import connection_created
from django.middleware.csrf import get_token
from django.utils.safestring import mark_safe

logger = logging.getLogger(__name__)

VERSION_KEY = "pagecache:version"
TIMEOUT = 15 * 60  # fragments are replaced by version, not by age; the timeout only bounds what is kept
CSRF_PLACEHOLDER = "pagecache-csrf-token-placeholder"
TRACKED_TABLES = ("minutes_", "ballots_", "auth_user")

_WRITE_HEADS = ("INSERT", "UPDATE", "DELETE", "REPLAC", "TRUNCA", "ALTER ", "CREATE", "DROP T", "DROP I")
_TABLE = re.compile(
    r'\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|REPLACE\s+INTO|UPDATE|DELETE\s+FROM)\s+(?:[`"]?\w+[`"]?\.)?[`"]?(\w+)', re.IGNORECASE
)


def writes_tracked_table(sql: str) -> bool:
    """Whether a statement may change what a cached page shows (cheap: it runs for every statement)."""
    head = sql[:6].upper() if sql[:1] not in " \n\t(" else sql.lstrip(" \n\t(")[:6].upper()
    if not head.startswith(_WRITE_HEADS):
        return False
    match = _TABLE.match(sql)
    if match is None:  # TRUNCATE, DDL, anything unusual: assume it matters
        return True
    return match.group(1).lower().startswith(TRACKED_TABLES)


# -- the default backend ---------------------------------------------------------------------------


class FileCache(FileBasedCache):
    """Django's file cache with a cheaper cull. Django's lists the whole folder on every ``set`` to count the
    entries (about 10 ms at 5,000 files on the development machine, on every write and every page rendered);
    here one ``set`` in ``CULL_EVERY`` does, and entries past their time go before live ones."""

    CULL_EVERY = 32

    def _cull(self):
        if random.randrange(self.CULL_EVERY):
            return
        filelist = self._list_cache_files()
        if len(filelist) < self._max_entries:
            return
        live = []
        for fname in filelist:
            try:
                with open(fname, "rb") as f:
                    if not self._is_expired(f):  # deletes the file when it has expired
                        live.append(fname)
            except FileNotFoundError:
                pass
        if len(live) >= self._max_entries:
            for fname in random.sample(live, len(live) // self._cull_frequency):
                self._delete(fname)


# -- the version ---------------------------------------------------------------------------------


def _new_token() -> str:
    return secrets.token_hex(8)


def version_key() -> str:
    """The data version of the database this process uses, by its name: processes on a database of another
    name sharing the cache (two test runs on one checkout, a staging database beside production) neither read
    nor replace it. Not by host: the web server and a worker may reach one server by different addresses."""
    db = connection.settings_dict
    where = f"{db['ENGINE']}|{db['NAME']}"
    return f"{VERSION_KEY}:{hashlib.sha256(where.encode()).hexdigest()[:16]}"


def bump() -> None:
    """Replace the data version: every fragment stored so far is out of date."""
    try:
        cache.set(version_key(), _new_token(), None)
    except Exception:  # a cache that is down must not undo or fail the write that called this
        logger.exception("Could not replace the page-cache data version")


def _after_commit() -> None:
    bump()


def _has_uncommitted_writes(conn) -> bool:
    # Our callback is registered once per transaction with tracked writes, and Django drops it again
    # when that transaction (or the savepoint that registered it) is rolled back.
    return conn.in_atomic_block and any(entry[1] is _after_commit for entry in conn.run_on_commit)


def _track_writes(execute, sql, params, many, context):
    try:
        return execute(sql, params, many, context)
    finally:
        if isinstance(sql, str) and writes_tracked_table(sql):
            conn = context["connection"]
            if not conn.in_atomic_block:
                bump()  # autocommit: the statement is already committed
            elif not _has_uncommitted_writes(conn):
                conn.on_commit(_after_commit)


def _install_on(conn) -> None:
    if _track_writes not in conn.execute_wrappers:
        conn.execute_wrappers.insert(0, _track_writes)


def _connection_created(sender, **kwargs) -> None:
    _install_on(kwargs["connection"])


def install() -> None:
    """Watch every database connection for writes (called once, from the app's ready())."""
    connection_created.connect(_connection_created, dispatch_uid="minutes.pagecache")
    for conn in connections.all(initialized_only=True):
        _install_on(conn)
    # New code may render a fragment differently: a process that starts drops what older ones stored.
    bump()


# -- fragments ------------------------------------------------------------------------------------


class Snapshot:
    """The data version as one page request saw it before its first query; ``get``/``put`` fragments
    under it. Inactive (reads nothing, stores nothing) while the connection has uncommitted writes."""

    def __init__(self) -> None:
        self.version: str | None = None
        if _has_uncommitted_writes(connection):
            return
        try:
            key = version_key()
            version = cache.get(key)
            if version is None:
                cache.add(key, _new_token(), None)
                version = cache.get(key)
        except Exception:
            logger.exception("Page cache unavailable; rendering without it")
            return
        self.version = version

    def _key(self, parts: tuple) -> str:
        digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
        return f"pagecache:{parts[0]}:{self.version}:{digest}"

    def get(self, *parts: Any) -> Any:
        if self.version is None or _has_uncommitted_writes(connection):
            return None
        try:
            return cache.get(self._key(parts))
        except Exception:
            logger.exception("Page cache unavailable; rendering without it")
            return None

    def put(self, value: Any, *parts: Any) -> None:
        if self.version is None or _has_uncommitted_writes(connection):
            return
        try:
            cache.set(self._key(parts), value, TIMEOUT)
        except Exception:
            logger.exception("Could not store a page fragment")


def snapshot() -> Snapshot:
    return Snapshot()


def viewer(user) -> str:
    """Part of the key of a fragment that depends on who looks: one entry per user, one for all anonymous
    visitors. Whatever the page asks of ``minutes.access`` about this user (roles, person, staff) is data,
    so a change to it replaces the version too; a fragment never reaches anyone else."""
    return f"user-{user.pk}" if user.is_authenticated else "anonymous"


def with_csrf(request, html: str) -> str:
    """The fragment with this request's CSRF token in its forms (sets the CSRF cookie as the tag does)."""
    if CSRF_PLACEHOLDER in html:
        html = html.replace(CSRF_PLACEHOLDER, get_token(request))
    return mark_safe(html)  # noqa: S308 - rendered by our templates with autoescaping; the token is URL-safe
