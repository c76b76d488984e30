"""The launcher's cookie routes (serve.py), through Starlette's TestClient: the token reaches the browser only
as an HttpOnly, SameSite=Strict cookie, a code works once, and no route sends the browser to another site."""

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

import serve
from reflection import sessions


@pytest.fixture
def client(db):
    """The two routes alone (Streamlit's own server is not needed to test them)."""
    app = Starlette(routes=serve.ROUTES)
    return TestClient(app, base_url="http://127.0.0.1", follow_redirects=False)


def test_a_handoff_code_sets_an_httponly_strict_cookie_once_and_returns_to_the_page(client, db, make_user):
    token = sessions.start(db, make_user().id)
    code = sessions.hand_over(token)
    response = client.get("/session/begin", params={"code": code, "next": "/journal?notice=password_changed"})
    assert response.status_code == 303 and response.headers["location"] == "/journal?notice=password_changed"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{sessions.COOKIE_NAME}={token};")
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # plain http here; over https the cookie is Secure
    again = client.get("/session/begin", params={"code": code, "next": "/"})
    assert "set-cookie" not in again.headers


def test_over_https_the_cookie_is_secure(db, make_user):
    app = Starlette(routes=serve.ROUTES)
    secure_client = TestClient(app, base_url="https://reflection.school.example", follow_redirects=False)
    code = sessions.hand_over(sessions.start(db, make_user().id))
    assert "Secure" in secure_client.get("/session/begin", params={"code": code}).headers["set-cookie"]


@pytest.mark.parametrize("elsewhere", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:x", ""])
def test_the_routes_never_send_the_browser_to_another_site(client, elsewhere):
    for path in ("/session/begin", "/session/end"):
        assert client.get(path, params={"next": elsewhere}).headers["location"] == "/"


def test_ending_revokes_the_session_and_clears_our_cookie_and_streamlits_identity(client, db, make_user):
    token = sessions.start(db, make_user().id)
    client.cookies.update({sessions.COOKIE_NAME: token, "_streamlit_user": "signed", "_streamlit_user_tokens__1": "x"})
    response = client.get("/session/end")
    cleared = response.headers.get_list("set-cookie")
    assert {header.split("=", 1)[0] for header in cleared} == {sessions.COOKIE_NAME, "_streamlit_user",
                                                              "_streamlit_user_tokens__1"}
    assert all("Max-Age=0" in header for header in cleared)
    with pytest.raises(sessions.SessionEnded):
        sessions.resume(db, token)
