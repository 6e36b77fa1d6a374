"""Paging lists: pages that are never counted, and a counted page that always asks for a whole page.

Pages never counted (one row beyond the page tells whether another follows) serve the worklist's
groups, the patient list without a search term and an administrator's activity page, where
counting every row of a large table on each request would cost more than the page itself.
"""

from dataclasses import dataclass

from django.core.paginator import Paginator


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

    # The names of Django's Page, so that one pagination template serves both kinds of page.
    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    @property
    def previous_page_number(self) -> int:
        return self.previous_number

    @property
    def next_page_number(self) -> int:
        return self.next_number


class WholePagePaginator(Paginator):
    """Django's paginator, except that the last page asks the database for a whole page of rows
    (it returns what remains) rather than for exactly the number left.

    PostgreSQL never estimates that a `LIKE '%...%'` pattern matches under 0.01 % of the rows. Asked
    for exactly the one row a patient search found (`LIMIT 1`), it expects to meet a match early
    by walking the name-order index and filtering, and reads a third of the registry instead; asked
    for a page's worth (`LIMIT 25`), it finds the matches through the trigram indexes and sorts
    them. The rows returned are the same."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = (top + self.orphans) if self.count else bottom
        return self._get_page(self.object_list[bottom:top], number, self)
