"""The launcher: `streamlit run serve.py` serves app.py with the routes that keep sign-in in a cookie.

A Streamlit script cannot set cookies, so these two routes do it (see reflection/sessions.py):
/session/begin swaps a one-time code for the session token and sets the cookie; /session/end ends the
session and clears it. The cookie is HttpOnly (no page script can read it), SameSite=Strict (no other site
can send it) and Secure whenever the request arrived over HTTPS. It also prints the first-admin setup code
on start, and keeps unexpected errors out of users' sight: they are logged here in full and the page says
only that something went wrong.
"""

from __future__ import annotations

from contextlib import asynccontextmanager

import streamlit as st
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route

from reflection import accounts, config, db as database, sessions, setup_code
from views import _common as ui

STREAMLIT_IDENTITY_COOKIE = "_streamlit_user"  # and its "_tokens" twin, each possibly split into numbered parts


def _local_path(requested: str | None) -> str:
    """Only a path on this server: never another site (`//host`, `/\\host`), whatever the query says."""
    if not requested or not requested.startswith("/") or requested.startswith(("//", "/\\")):
        return "/"
    return requested


def _secure(request: Request) -> bool:
    # Behind a TLS proxy the scheme is https when uvicorn trusts the proxy's X-Forwarded-Proto.
    return request.url.scheme == "https"


async def begin_session(request: Request) -> RedirectResponse:
    response = RedirectResponse(_local_path(request.query_params.get("next")), status_code=303)
    token = sessions.take_over(request.query_params.get("code"))
    if token is not None:
        response.set_cookie(
            sessions.COOKIE_NAME, token, max_age=int(sessions.MAX_SESSION_AGE.total_seconds()), path="/",
            httponly=True, samesite="strict", secure=_secure(request),
        )
        _drop_school_identity(request, response)
    return response


def _drop_school_identity(request: Request, response: RedirectResponse) -> None:
    """Streamlit's st.login identity cookie (signed, not revocable) has done its job once the account is known:
    from then on our own session, which can be ended, is the only sign-in."""
    for name in request.cookies:
        if name.startswith(STREAMLIT_IDENTITY_COOKIE):
            response.delete_cookie(name, path="/")


async def end_session(request: Request) -> RedirectResponse:
    token = request.cookies.get(sessions.COOKIE_NAME)
    if token:
        connection = database.connect(config.database_path())
        try:
            sessions.end(connection, token)
        finally:
            connection.close()
    response = RedirectResponse(_local_path(request.query_params.get("next")), status_code=303)
    response.delete_cookie(sessions.COOKIE_NAME, path="/", httponly=True, samesite="strict", secure=_secure(request))
    _drop_school_identity(request, response)
    return response


@asynccontextmanager
async def announce_setup_code(_app):
    connection = database.connect(config.database_path())
    try:
        if accounts.needs_first_admin(connection):
            setup_code.issue()
    finally:
        connection.close()
    yield


def show_short_error(error: Exception) -> bool:
    """A button or box callback failed unexpectedly (app.py handles the page itself): True hides Streamlit's
    own error display."""
    ui.show_unexpected_error(error)
    return True


ROUTES = [Route(ui.BEGIN_SESSION_PATH, begin_session), Route(ui.END_SESSION_PATH, end_session)]
ui.COOKIE_ROUTES_SERVED = True

app = st.App(
    "app.py",
    routes=ROUTES,
    lifespan=announce_setup_code,
    on_script_error=show_short_error,
)
