"""Registers the clinical admin, which lives with the review stage (triage/review/)."""

from triage.review import admin, admin_encounters  # noqa: F401
