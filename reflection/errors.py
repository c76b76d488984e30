"""Errors whose messages are written for the person using the app."""


class ReflectionError(Exception):
    """Base class: str(error) is a complete sentence fit to show a user."""


class InvalidInput(ReflectionError, ValueError):
    """The user's input cannot be saved as it is; nothing was changed."""


class AccessDenied(ReflectionError, PermissionError):
    """The object does not exist or the user may not do this with it (deliberately indistinguishable)."""


class SignInFailed(ReflectionError):
    """Wrong username or password; never says which."""


class SignInThrottled(ReflectionError):
    """Too many failed attempts for this username; try again later."""

    def __init__(self, seconds_left: int):
        minutes = max(1, round(seconds_left / 60))
        super().__init__(
            f"Too many failed sign-in attempts. Please wait about {minutes} minute"
            f"{'s' if minutes != 1 else ''} and try again."
        )
        self.seconds_left = seconds_left


class SessionEnded(ReflectionError):
    """The browser's session is over (idle too long, signed out elsewhere, account changed); sign in again."""


class EditConflict(ReflectionError):
    """The object changed since the user loaded it; their version was not saved and nothing was lost."""
