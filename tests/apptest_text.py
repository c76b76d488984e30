"""What an AppTest page shows, as one string to search: shared by the page tests."""

from __future__ import annotations


def texts(elements) -> str:
    return "\n".join(str(element.value) for element in elements)
