"""`manage.py recommend`: one JSON object of facts in on stdin, one JSON object of advice out."""

import json
import sys
from collections.abc import Mapping

from django.core.management.base import BaseCommand

from triage.guideline import (
    FactsError,
    IntakeFacts,
    VisitFacts,
    evaluate_follow_up,
    evaluate_intake,
)

# Bad input exits 2, the usual status for a usage error; CommandError would exit 1.
BAD_INPUT_STATUS = 2
FOLLOW_UP_PARTS = ("intake", "visit")
NON_FIELD = "__all__"


def _reject_duplicate_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    keys = [key for key, _ in pairs]
    duplicated = sorted({key for key in keys if keys.count(key) > 1})
    if duplicated:
        raise FactsError(dict.fromkeys(duplicated, "given more than once"))
    return dict(pairs)


def _field(part: str, key: str) -> str:
    # "__all__" is a problem with the part as a whole (for instance, not an object).
    return part if key == NON_FIELD else f"{part}.{key}"


def _read_part(payload: Mapping[str, object], part: str, facts_class: type) -> tuple:
    """Build one part of a follow-up input; return (facts or None, errors prefixed by part)."""
    if part not in payload:
        return None, {part: "is required"}
    try:
        return facts_class.from_mapping(payload[part]), {}
    except FactsError as error:
        return None, {_field(part, key): problem for key, problem in error.errors.items()}


def follow_up_result(payload: object) -> dict[str, object]:
    """Evaluate a {"intake": ..., "visit": ...} object, naming every bad field at once."""
    if not isinstance(payload, Mapping):
        raise FactsError({NON_FIELD: 'must be an object with "intake" and "visit"'})
    errors = {str(key): "unknown field" for key in payload if key not in FOLLOW_UP_PARTS}
    intake, intake_errors = _read_part(payload, "intake", IntakeFacts)
    visit, visit_errors = _read_part(payload, "visit", VisitFacts)
    errors |= intake_errors | visit_errors
    if errors:
        raise FactsError(errors)
    return evaluate_follow_up(intake, visit).to_dict()


class Command(BaseCommand):
    help = (
        "Read one JSON object of intake facts on standard input and write the care plan as JSON. "
        'With --follow-up, read {"intake": {...}, "visit": {...}} and write the assessment. '
        "Bad input exits with status 2 and names each bad field on standard error."
    )
    # A pure filter from stdin to stdout: no database, nothing for the system checks to guard.
    requires_system_checks = []
    # Tests pass a text stream in place of sys.stdin.
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument(
            "--follow-up",
            action="store_true",
            help="assess a follow-up visit instead of an intake",
        )

    def handle(self, *args, **options):
        stdin = options.get("stdin") or sys.stdin
        try:
            payload = json.loads(stdin.read(), object_pairs_hook=_reject_duplicate_keys)
            if options["follow_up"]:
                result = follow_up_result(payload)
            else:
                result = evaluate_intake(IntakeFacts.from_mapping(payload)).to_dict()
        except FactsError as error:
            self._refuse(error.errors)
        except (ValueError, RecursionError) as error:
            # Malformed JSON, undecodable bytes, a number too long to read, or absurd nesting.
            self._refuse({"input": f"is not valid JSON ({error})"})
        self.stdout.write(json.dumps(result, ensure_ascii=False))

    def _refuse(self, errors: Mapping[str, str]) -> None:
        for field, problem in errors.items():
            self.stderr.write(f"{'input' if field == NON_FIELD else field}: {problem}")
        raise SystemExit(BAD_INPUT_STATUS)
