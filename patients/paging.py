"""Pages of lists that are never counted: one row beyond the page tells whether another follows.

Used by the worklist's groups and an administrator's activity page, where counting every row of
a large table on each request would cost more than the page itself.
"""

from dataclasses import dataclass


def page_number(raw: str | None) -> int:
    """The page asked for in `?page=`, 1 when missing or not a positive whole number."""
    try:
        return max(int(raw or 1), 1)
    except ValueError:
        return 1


@dataclass(frozen=True, slots=True)
class PagePosition:
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def previous_number(self) -> int:
        return self.number - 1

    @property
    def next_number(self) -> int:
        return self.number + 1
