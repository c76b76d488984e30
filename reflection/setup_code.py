"""The one-time setup code that guards a fresh installation's first admin account.

Without it, whoever opened a new installation first became its admin. The server makes a code when it
starts on an empty database and prints it to its own log, which only the person who installed it can
read; the first-run form asks for it. The code is held in this process's memory only: a restart makes
a new one, and creating the first admin forgets it. `python -m reflection create-user --role admin`
needs no code, since whoever can run it already controls the server.
"""

from __future__ import annotations

import hmac
import secrets
import sys
import threading

# 16 characters from 32 letters and digits without look-alikes (no 0/O, no 1/I): 80 random bits, read off a
# log and typed by hand.
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 16
GROUP = 4

_code: str | None = None
_lock = threading.Lock()


def issue() -> str:
    """This process's setup code, made (and printed to the server log) the first time it is asked for."""
    global _code
    with _lock:
        if _code is None:
            _code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
            print(
                f"Reflection: this installation has no accounts yet. Open it in a browser and give this "
                f"one-time setup code to create the first admin: {display(_code)}",
                file=sys.stderr, flush=True,
            )
        return _code


def display(code: str) -> str:
    """ABCD-EFGH-JKMN-PQRS: easier to read off a log and type."""
    return "-".join(code[i:i + GROUP] for i in range(0, len(code), GROUP))


def normalise(typed: str) -> str:
    """What was typed, without the dashes, spaces and case a person may add."""
    return "".join(character for character in (typed or "").upper() if character.isalnum())


def matches(typed: str) -> bool:
    with _lock:
        code = _code
    return code is not None and hmac.compare_digest(normalise(typed).encode(), code.encode())


def forget() -> None:
    """The first admin exists: the code opens nothing any more."""
    global _code
    with _lock:
        _code = None
