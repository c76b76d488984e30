"""Readability works with the network blocked, including textstat's first-use path."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from reflection.language.readability import readability


def test_readability_figures():
    figures = readability("The cat sat on the mat. It was a sunny day and the children played outside.")
    assert 15 <= figures["word_count"] <= 17 and figures["sentence_count"] == 2
    assert 0 < figures["grade_level"] < 6 and figures["reading_ease"] > 70


def test_readability_of_empty_text():
    assert readability("") == {"grade_level": None, "reading_ease": None, "sentence_count": 0, "word_count": 0}


def test_first_use_never_touches_the_network(tmp_path):
    # A fresh interpreter, so textstat loads its syllable dictionary for the first time here.
    script = textwrap.dedent(
        """
        import socket, sys

        def refuse(*args, **kwargs):
            raise OSError("network access attempted")

        socket.socket.connect = refuse
        socket.create_connection = refuse

        from reflection.language.readability import readability
        figures = readability("Photosynthesis transforms sunlight into chemical energy. Plants are remarkable.")
        assert figures["grade_level"] is not None, figures
        assert "nltk" not in sys.modules, "nltk was imported"
        print("ok")
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
