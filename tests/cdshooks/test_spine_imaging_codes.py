"""The one list of spine imaging codes, and how draft orders are read against it."""

import pytest

from cdshooks.spine_imaging import (
    LOINC,
    SNOMED_CT,
    SPINE_IMAGING_CODES,
    spine_imaging,
    spine_imaging_orders,
)


def _loinc_check_digit_holds(code: str) -> bool:
    """LOINC's mod-10 check digit (the Luhn scheme) over the code without its dash."""
    total = 0
    for position, char in enumerate(reversed(code.replace("-", ""))):
        digit = int(char) * (2 if position % 2 else 1)
        total += digit - 9 if digit > 9 else digit
    return total % 10 == 0


@pytest.mark.parametrize("code", sorted(SPINE_IMAGING_CODES[LOINC]))
def test_loinc_codes_are_well_formed(code):
    assert _loinc_check_digit_holds(code)


@pytest.mark.parametrize("code", sorted(SPINE_IMAGING_CODES[SNOMED_CT]))
def test_snomed_codes_are_concept_ids(code):
    assert code.isdigit()
    assert 6 <= len(code) <= 18
    assert code[-3:-1] in {"00", "10"}  # partition: an international or extension concept


def test_every_study_is_x_ray_ct_or_mri_of_the_neck_or_upper_back():
    for studies in SPINE_IMAGING_CODES.values():
        for study in studies.values():
            assert study.modality in {"XR", "CT", "MR"}
            assert (
                "cervical" in study.region
                or "thoracic" in study.region
                or study.region == "whole spine"
            )


@pytest.mark.parametrize(
    ("system", "code", "watched"),
    [
        (LOINC, "24935-9", True),  # MR Cervical spine
        (LOINC, "24983-9", True),  # XR Thoracic spine Views
        (LOINC, " 24932-6 ", True),  # CT Cervical spine, with stray spaces
        (LOINC, "24968-0", False),  # MR Lumbar spine
        (LOINC, "24926-8", False),  # US Spine
        (SNOMED_CT, "60443006", True),  # MRI of cervical spine with contrast
        (SNOMED_CT, "241645008", False),  # MRI of spine, region unstated
        (SNOMED_CT, "24935-9", False),  # a LOINC code under the SNOMED system
        ("http://www.ama-assn.org/go/cpt", "72141", False),  # CPT is not read
        (LOINC, None, False),
        (None, "24935-9", False),
    ],
)
def test_codes_are_matched_by_system_and_code(system, code, watched):
    assert (spine_imaging(system, code) is not None) is watched


def _bundle(*resources):
    return {"resourceType": "Bundle", "entry": [{"resource": resource} for resource in resources]}


def _order(order_id, *codings, resource_type="ServiceRequest"):
    return {"resourceType": resource_type, "id": order_id, "code": {"coding": list(codings)}}


CERVICAL_MRI = {"system": LOINC, "code": "24935-9"}
LUMBAR_MRI = {"system": LOINC, "code": "24968-0"}


def test_an_order_with_several_codings_counts_once():
    bundle = _bundle(
        _order("a", LUMBAR_MRI, CERVICAL_MRI, {"system": SNOMED_CT, "code": "241646009"})
    )

    assert [reference for reference, _ in spine_imaging_orders(bundle)] == ["ServiceRequest/a"]


def test_selections_limit_the_orders_read():
    bundle = _bundle(_order("a", CERVICAL_MRI), _order("b", LUMBAR_MRI))

    assert spine_imaging_orders(bundle, only=["ServiceRequest/b"]) == []
    assert len(spine_imaging_orders(bundle, only=["ServiceRequest/a"])) == 1


def test_only_service_requests_are_read():
    bundle = _bundle(_order("m", CERVICAL_MRI, resource_type="MedicationRequest"))

    assert spine_imaging_orders(bundle) == []


@pytest.mark.parametrize(
    "bundle",
    [None, {}, {"entry": "x"}, {"entry": [None, {"resource": 3}]}, _bundle({"code": "x"})],
)
def test_odd_bundles_give_nothing(bundle):
    assert spine_imaging_orders(bundle) == []
