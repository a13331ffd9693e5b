"""Editors' sessions, kept in the database as Django keeps them, with keys checked before any query."""

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import VALID_KEY_CHARS


class SessionStore(db.SessionStore):
    def _validate_session_key(self, key):
        # Django makes every key of these characters; a cookie with others is no session. Without the check a NUL
        # in the cookie reached PostgreSQL, which refuses it in a query, and the page failed.
        return super()._validate_session_key(key) and all(char in VALID_KEY_CHARS for char in key)
