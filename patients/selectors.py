"""Reads of the patient registry."""

from django.db.models import QuerySet

from patients.models import Patient


def patients_matching(term: str) -> QuerySet[Patient]:
    """Patients whose record number or name matches every word of `term`; all of them when
    the term is blank (in the registry's order: family name, given name, record number)."""
    term = term.strip()
    return Patient.objects.search(term) if term else Patient.objects.all()
