"""Imaging the imaging service watches: X-ray, CT or MRI of the cervical or thoracic spine.

One list, by code system. LOINC codes are from LOINC's imaging document codes (the "XR", "CT" and
"MR" Cervical spine / Thoracic spine terms); SNOMED CT codes are procedure concepts. Whole-spine
studies are included because they image the neck and upper back too; "spine" without a region is
not (it is as often the lower back), nor are ultrasound, fluoroscopy-guided injections or bone
density scans, which are not the imaging the guideline advises against.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

LOINC = "http://loinc.org"
SNOMED_CT = "http://snomed.info/sct"


@dataclass(frozen=True, slots=True)
class SpineImaging:
    modality: str  # "XR", "CT" or "MR"
    region: str  # "cervical", "thoracic", "cervical and thoracic" ...
    display: str


def _xr(region, display):
    return SpineImaging("XR", region, display)


def _ct(region, display):
    return SpineImaging("CT", region, display)


def _mr(region, display):
    return SpineImaging("MR", region, display)


SPINE_IMAGING_CODES: Mapping[str, Mapping[str, SpineImaging]] = {
    LOINC: {
        "24932-6": _ct("cervical", "CT Cervical spine"),
        "24933-4": _ct("cervical", "CT Cervical spine W contrast IV"),
        "24934-2": _ct("cervical", "CT Cervical spine W contrast IT"),
        "24935-9": _mr("cervical", "MR Cervical spine"),
        "24936-7": _mr("cervical", "MR Cervical spine W anesthesia"),
        "24937-5": _mr("cervical", "MR Cervical spine WO and W contrast IV"),
        "24938-3": _mr("cervical", "MR Cervical spine W contrast IV"),
        "24939-1": _xr("cervical", "XR Cervical spine 5 Views"),
        "24940-9": _xr("cervical", "XR Cervical spine Single view"),
        "24941-7": _xr("cervical", "XR Cervical spine 3 Views"),
        "24942-5": _xr("cervical", "XR Cervical spine AP and Lateral"),
        "24943-3": _xr("cervical", "XR Cervical spine Lateral"),
        "24944-1": _xr("cervical", "XR Cervical spine Swimmers"),
        "24945-8": _xr("cervical", "XR Cervical spine Views W flexion and W extension"),
        "24946-6": _xr("cervical", "XR Cervical spine Views"),
        "24978-9": _ct("thoracic", "CT Thoracic spine"),
        "24979-7": _ct("thoracic", "CT Thoracic spine W contrast IV"),
        "24980-5": _mr("thoracic", "MR Thoracic spine"),
        "24981-3": _mr("thoracic", "MR Thoracic spine WO and W contrast IV"),
        "24982-1": _mr("thoracic", "MR Thoracic spine W contrast IV"),
        "24983-9": _xr("thoracic", "XR Thoracic spine Views"),
        "24984-7": _xr("thoracic and lumbar", "XR Thoracic and lumbar spine 2 Views"),
    },
    SNOMED_CT: {
        "712970008": _xr("cervical", "Plain X-ray of cervical vertebral column region"),
        "1290654008": _xr("thoracic", "Plain X-ray of thoracic vertebral column region"),
        "444634007": _xr("thoracic and lumbar", "Plain X-ray of thoracic and lumbar spine"),
        "1367647005": _xr("whole spine", "Plain X-ray of entire vertebral column"),
        "762008": _ct("cervical", "Computed tomography of cervical spine with contrast"),
        "572061000119104": _ct(
            "cervical", "Computed tomography of cervical spine without contrast"
        ),
        "241590005": _ct("cervical", "Computed tomography myelogram of cervical region"),
        "113105001": _ct("thoracic", "Computed tomography of thoracic spine with contrast"),
        "572081000119108": _ct(
            "thoracic", "Computed tomography of thoracic spine without contrast"
        ),
        "241591009": _ct("thoracic", "Computed tomography myelogram of thoracic region"),
        "702487007": _ct("thoracic and lumbar", "Computed tomography of thoracic and lumbar spine"),
        "702488002": _ct(
            "thoracic and lumbar",
            "Computed tomography of thoracic and lumbar spine with contrast",
        ),
        "429875006": _ct("whole spine", "Computed tomography of whole spine"),
        "429859008": _ct("whole spine", "Computed tomography of whole spine with contrast"),
        "241646009": _mr("cervical", "Magnetic resonance imaging of cervical spine"),
        "60443006": _mr("cervical", "Magnetic resonance imaging of cervical spine with contrast"),
        "571891000119109": _mr(
            "cervical", "Magnetic resonance imaging of cervical spine without contrast"
        ),
        "91333005": _mr("thoracic", "Magnetic resonance imaging of thoracic spine with contrast"),
        "396171000119100": _mr(
            "thoracic", "Magnetic resonance imaging of thoracic spine without contrast"
        ),
        "411571000119106": _mr(
            "thoracic and lumbar",
            "Magnetic resonance imaging of thoracic spine and lumbar spine without contrast",
        ),
        "448641007": _mr(
            "thoracic and lumbar",
            "Magnetic resonance imaging of thoracic and lumbar spine with contrast",
        ),
        "495741000119105": _mr(
            "whole spine",
            "Magnetic resonance imaging of cervical, thoracic, and lumbar spine with contrast",
        ),
        "411611000119102": _mr(
            "whole spine",
            "Magnetic resonance imaging of cervical, thoracic, and lumbar spine without contrast",
        ),
    },
}


def spine_imaging(system: object, code: object) -> SpineImaging | None:
    """The study a (system, code) pair names, if it is imaging of the cervical or thoracic spine."""
    if not isinstance(system, str) or not isinstance(code, str):
        return None
    return SPINE_IMAGING_CODES.get(system.strip(), {}).get(code.strip())


def _resources(bundle: object) -> Iterator[Mapping]:
    if not isinstance(bundle, Mapping):
        return
    entries = bundle.get("entry")
    if not isinstance(entries, list):
        return
    for entry in entries:
        if isinstance(entry, Mapping) and isinstance(entry.get("resource"), Mapping):
            yield entry["resource"]


def spine_imaging_orders(
    draft_orders: object, *, only: Iterable[str] | None = None
) -> list[tuple[str, SpineImaging]]:
    """The spine imaging among a bundle's ServiceRequests (only those referenced, if given), each
    with its reference (`ServiceRequest/{id}`, or "" when the draft has no id)."""
    wanted = {item for item in only if isinstance(item, str)} if only is not None else None
    found = []
    for resource in _resources(draft_orders):
        if resource.get("resourceType") != "ServiceRequest":
            continue
        resource_id = resource.get("id")
        reference = f"ServiceRequest/{resource_id}" if isinstance(resource_id, str) else ""
        if wanted is not None and (not reference or reference not in wanted):
            continue
        code = resource.get("code")
        codings = code.get("coding") if isinstance(code, Mapping) else None
        for coding in codings if isinstance(codings, list) else ():
            if isinstance(coding, Mapping):
                study = spine_imaging(coding.get("system"), coding.get("code"))
                if study is not None:
                    found.append((reference, study))
                    break
    return found
