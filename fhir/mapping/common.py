"""What every mapping shares: canonical URLs, references, codings and dates."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone

from triage.guideline import FACT_SPECS

LOINC = "http://loinc.org"
PAIN_SEVERITY_LOINC = "72514-3"
ENTERED_IN_ERROR = "entered-in-error"


def canonical(path: str = "") -> str:
    """A canonical URL under the clinic's FHIR base, e.g. canonical('Questionnaire/x')."""
    base = settings.UPRIGHT_FHIR_CANONICAL_BASE.rstrip("/")
    return f"{base}/{path}" if path else base


def mrn_system() -> str:
    return canonical("sid/record-number")


def staff_system() -> str:
    return canonical("sid/staff-user")


def observation_codes() -> str:
    """The CodeSystem of Upright's own observation and condition codes."""
    return canonical("CodeSystem/upright-observation")


def recommendation_codes() -> str:
    """The CodeSystem of the engine's recommendation codes."""
    return canonical("CodeSystem/upright-recommendation")


def reference(resource_type: str, resource_id: object, display: str | None = None) -> dict:
    ref = {"reference": f"{resource_type}/{resource_id}"}
    if display:
        ref["display"] = display
    return ref


def staff_reference(user) -> dict:
    """Staff are named by user name (a logical reference: Upright has no Practitioner records)."""
    username = user.get_username()
    return {
        "identifier": {"system": staff_system(), "value": username},
        "display": username,
    }


def coding(system: str, code: str, display: str | None = None) -> dict:
    result = {"system": system, "code": code}
    if display:
        result["display"] = display
    return result


def local_concept(code: str, display: str) -> dict:
    return {"coding": [coding(observation_codes(), code, display)], "text": display}


def instant(value: datetime.datetime) -> str:
    """An aware datetime as a FHIR instant, in the clinic's time zone."""
    # The clinic's zone (the app never activates another); cheaper than localtime() per value.
    return value.astimezone(timezone.get_default_timezone()).isoformat(timespec="seconds")


def day_start(day: datetime.date) -> str:
    """Midnight at the start of a calendar day in the clinic's time zone, as an instant."""
    moment = datetime.datetime.combine(day, datetime.time.min)
    return timezone.make_aware(moment, timezone.get_default_timezone()).isoformat(
        timespec="seconds"
    )


def day_end(day: datetime.date) -> str:
    return day_start(day + datetime.timedelta(days=1))


def local_day(value: datetime.datetime) -> datetime.date:
    return timezone.localdate(value)


def red_flag_label(key: str) -> str:
    """The short, plain label of a red flag (its key if the engine no longer knows it)."""
    spec = FACT_SPECS.get(key)
    return spec.label if spec else key.replace("_", " ")
