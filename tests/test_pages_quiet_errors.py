"""Production stays quiet: an unexpected error is logged in full on the server, and the page shows one short
sentence, never a traceback or the server's paths."""

import logging
import tomllib

from reflection import audit, config


def test_an_unexpected_error_shows_a_short_message_and_is_logged_in_full(app_test, make_user, monkeypatch, caplog):
    user = make_user()

    def broken(*_):
        raise RuntimeError(f"disk layout at {config.PROJECT_ROOT}/secret/place")

    monkeypatch.setattr(audit, "unseen_notices", broken)
    at = app_test(user)
    with caplog.at_level(logging.ERROR, logger="reflection"):
        at.run()
    assert not at.exception
    shown = "\n".join(str(element.value) for element in at.error)
    assert "Something went wrong on the server" in shown
    assert "secret/place" not in shown and "Traceback" not in shown and str(config.PROJECT_ROOT) not in shown
    assert any("secret/place" in str(record.exc_info[1]) for record in caplog.records if record.exc_info)


def test_streamlit_itself_never_shows_error_details():
    settings = tomllib.loads((config.PROJECT_ROOT / ".streamlit" / "config.toml").read_text())
    assert settings["client"]["showErrorDetails"] == "none"
