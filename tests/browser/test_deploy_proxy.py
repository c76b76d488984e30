"""Two app processes on one database behind the shipped nginx configuration, in a real browser."""

from __future__ import annotations

import os
import re
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from browser_app import PASSWORD, StreamlitPage, StreamlitServer
from proxy_app import NGINX, NginxProxy

from reflection import accounts, db as database

TEACHER = "teacher-proxy"
ENTRY_TITLE = "Written through one process"
ENTRY_BODY = "Pairs explained equivalent fractions with paper strips, and the quieter students led the gallery walk."
# $upstream_addr lists every process tried, comma-separated, when the first one failed.
LOG_LINE = re.compile(r'^(?P<upstream>.+?) "(?P<cookie>[^"]*)" "(?P<request>[^"]*)" (?P<status>\d+)$')


@pytest.fixture(scope="module")
def proxy(browser, tmp_path_factory):
    """nginx and two app processes on one database, shared by this file's tests (starting them takes a while)."""
    tmp_path = tmp_path_factory.mktemp("proxy")
    if not Path(NGINX).exists():
        message = f"{NGINX} is missing (apt-get install -y nginx-light)"
        if os.environ.get("CI"):
            pytest.fail(f"the proxy test must run in CI, but {message}")
        pytest.skip(message)
    db_path = tmp_path / "reflection.db"
    connection = database.connect(db_path)
    accounts.create_user(connection, None, "site-admin", "Site Admin", PASSWORD, "admin")  # as the command line does
    accounts.create_user(connection, None, TEACHER, "Ms. Proxy", PASSWORD, "teacher")
    connection.close()
    servers: list[StreamlitServer] = []
    started = None
    try:
        for name in ("first", "second"):
            servers.append(StreamlitServer(db_path, tmp_path / f"streamlit-{name}.log").start())
        started = NginxProxy(servers, tmp_path).start()
        yield started
    finally:
        if started:
            started.stop()
        for server in servers:
            server.stop()


def routing_cookie(tab: StreamlitPage) -> dict:
    (cookie,) = [c for c in tab.page.context.cookies(tab.server.url) if c["name"] == "reflection_node"]
    return cookie


def upstreams_by_cookie(proxy: NginxProxy) -> dict[str, set[str]]:
    """For each routing cookie seen in the access log, the app addresses its requests went to."""
    seen: dict[str, set[str]] = {}
    for line in proxy.access_log.read_text().splitlines():
        match = LOG_LINE.match(line)
        assert match, f"unexpected access log line: {line!r}"
        if match["cookie"] not in ("", "-"):
            seen.setdefault(match["cookie"], set()).add(match["upstream"])
    return seen


def test_an_entry_written_through_one_process_is_read_through_the_other(proxy, new_tab):
    writer = StreamlitPage(new_tab(ignore_https_errors=True), proxy)
    writer.sign_in_to_write(TEACHER)
    writer_node = routing_cookie(writer)
    assert writer_node["httpOnly"] and writer_node["secure"]
    writer.commit("Title (optional)", ENTRY_TITLE)
    writer.commit("Your reflection", ENTRY_BODY)
    writer.click("Save entry")
    writer.expect_text("to your journal")
    assert routing_cookie(writer)["value"] == writer_node["value"], "the browser moved to another process"

    (other_server,) = [s for s in proxy.servers if proxy.node_of(s) != writer_node["value"]]
    reader_tab = new_tab(ignore_https_errors=True)
    reader_tab.context.add_cookies([{"name": "reflection_node", "value": proxy.node_of(other_server),
                                     "url": proxy.url, "secure": True, "httpOnly": True}])
    reader = StreamlitPage(reader_tab, proxy)
    reader.sign_in_to_write(TEACHER)
    reader.go_to("Journal")
    reader.expect_text("1 entry")
    assert ENTRY_TITLE in reader.main.inner_text()
    reader.commit("Search your journal", "gallery")
    reader.expect_text("1 matching entry")

    # The access log shows each browser's requests reaching only its own process, and both processes used.
    routes = upstreams_by_cookie(proxy)
    addresses = {proxy.node_of(s): f"127.0.0.1:{s.port}" for s in proxy.servers}
    assert routes == {node: {address} for node, address in addresses.items()}


def test_plain_http_is_sent_to_https(proxy):
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as answer:
        opener.open(f"{proxy.http_url}/journal", timeout=5)
    assert answer.value.code == 301
    assert answer.value.headers["Location"] == "https://localhost/journal"  # the standard port: the shipped file listens on 443


def test_a_browser_whose_process_is_down_is_served_by_the_other(proxy, new_tab):
    stopped, running = proxy.servers
    tab = new_tab(ignore_https_errors=True)
    tab.context.add_cookies([{"name": "reflection_node", "value": proxy.node_of(stopped), "url": proxy.url,
                              "secure": True, "httpOnly": True}])
    stopped.stop()
    try:
        app = StreamlitPage(tab, proxy)
        app.sign_in_to_write(TEACHER)
        lines = [LOG_LINE.match(line) for line in proxy.access_log.read_text().splitlines()]
        pinned = [m for m in lines if m["cookie"] == proxy.node_of(stopped) and m["request"].startswith("GET / ")]
        assert pinned[-1]["upstream"].split(", ")[-1] == f"127.0.0.1:{running.port}"
        assert routing_cookie(app)["value"] == proxy.node_of(running)  # it stays where its new session lives
    finally:
        stopped.start()
