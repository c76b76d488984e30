"""In a real browser, against a real OpenID Connect provider (node's oidc-provider on localhost, see
tests/oidc/): school single sign-on through st.login links an account by its verified email, creates a teacher
account when the admin allows the domain, and refuses otherwise."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import urllib.request

import pytest
from browser_app import PASSWORD, PROJECT_ROOT, StreamlitPage, StreamlitServer, free_port

from reflection import accounts, db as database, single_sign_on
from reflection.errors import SignInFailed

PROVIDER_DIR = PROJECT_ROOT / "tests" / "oidc"
CLIENT_SECRET = "a test client secret that is long enough"


@pytest.fixture(scope="module")
def school_app(browser, tmp_path_factory):
    """The app with a school sign-in configured, and the provider it trusts; an admin and a linked teacher."""
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").exists() or shutil.which("node") is None:
        message = "the identity provider needs node and `npm ci` in tests/oidc (.ci/run does both)"
        if os.environ.get("CI"):
            pytest.fail(f"school sign-in must be tested in CI, but {message}")
        pytest.skip(message)
    tmp_dir = tmp_path_factory.mktemp("school-sign-in")
    server = StreamlitServer(tmp_dir / "reflection.db", tmp_dir / "streamlit.log", tmp_dir / "secrets.toml")
    provider_port = free_port()
    (tmp_dir / "secrets.toml").write_text(
        "[auth]\n"
        f'redirect_uri = "{server.url}/oauth2callback"\n'
        'cookie_secret = "a cookie secret for the browser tests only"\n'
        "[auth.testschool]\n"
        'label = "Test School"\n'
        'client_id = "reflection"\n'
        f'client_secret = "{CLIENT_SECRET}"\n'
        f'server_metadata_url = "http://127.0.0.1:{provider_port}/.well-known/openid-configuration"\n'
        # Streamlit asks for prompt=select_account (Google's account chooser), which this provider does not offer.
        'client_kwargs = { prompt = "login" }\n'
    )
    provider_log = open(tmp_dir / "provider.log", "wb")
    provider = subprocess.Popen(
        ["node", "provider.mjs", str(provider_port), CLIENT_SECRET, f"{server.url}/oauth2callback"],
        cwd=PROVIDER_DIR, stdout=provider_log, stderr=subprocess.STDOUT,
    )
    connection = database.connect(server.db_path)
    try:
        wait_for(f"http://127.0.0.1:{provider_port}/.well-known/openid-configuration")
        admin = accounts.create_user(connection, None, "school-admin", "School Admin", PASSWORD, "admin")
        teacher = accounts.create_user(connection, None, "ms.link", "Ms. Link", PASSWORD, "teacher")
        single_sign_on.set_email(connection, admin, teacher.id, "ms.link@school.example")
        server.start()
        yield server, connection, admin
    finally:
        server.stop()
        provider.terminate()
        provider.wait(timeout=10)
        provider_log.close()
        connection.close()


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def sign_in_at_school(app: StreamlitPage, email: str) -> None:
    """The school button, the provider's own sign-in form, and back to the app through its cookie route."""
    app.open()
    app.button("Sign in with Test School").click()
    app.page.locator('input[name="login"]').fill(email)
    app.page.locator('input[name="password"]').fill("anything")
    app.page.locator('button[type="submit"]').click()
    app.page.wait_for_url(f"{app.server.url}/**")
    app.wait_idle()


def test_a_verified_school_email_opens_the_account_it_is_linked_to(school_app, page):
    server, _, _ = school_app
    app = StreamlitPage(page, server)
    sign_in_at_school(app, "ms.link@school.example")
    app.expect_heading("Write")
    assert "Signed in as Ms. Link · teacher" in app.sidebar.inner_text()
    names = {cookie["name"] for cookie in page.context.cookies()}
    assert "reflection_session" in names
    assert not any(name.startswith("_streamlit_user") for name in names)  # only our revocable session remains
    app.reload()
    app.expect_heading("Write")
    app.sign_out()
    assert "Signed in as" not in app.page.locator("body").inner_text()


def test_an_unknown_email_is_refused_until_the_admin_allows_its_domain(school_app, new_tab):
    server, connection, admin = school_app
    refused = StreamlitPage(new_tab(), server)
    sign_in_at_school(refused, "mr.new@school.example")
    refused.expect_text("There is no Reflection account for your school email.")
    assert accounts.find_user(connection, "mr.new") is None

    single_sign_on.set_policy(connection, admin, "school.example", create_teachers=True)
    welcomed = StreamlitPage(new_tab(), server)
    sign_in_at_school(welcomed, "mr.new@school.example")
    welcomed.expect_heading("Write")
    created = accounts.find_user(connection, "mr.new")
    assert created.role == "teacher" and "Signed in as Test mr.new · teacher" in welcomed.sidebar.inner_text()
    with pytest.raises(SignInFailed):  # a school-only account has no password to guess
        accounts.authenticate(connection, "mr.new", "anything")

    other_domain = StreamlitPage(new_tab(), server)
    sign_in_at_school(other_domain, "someone@elsewhere.example")
    other_domain.expect_text("There is no Reflection account for your school email.")


def test_an_unverified_email_opens_nothing(school_app, page):
    server, _, _ = school_app
    app = StreamlitPage(page, server)
    sign_in_at_school(app, "unverified.ms.link@school.example")
    app.expect_text("did not confirm your email address")
    assert "Signed in as" not in app.page.locator("body").inner_text()
