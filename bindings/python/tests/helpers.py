"""Shared helpers of the Python tests."""

import contextlib

import pytest

import fhirbus

PATIENT = bytes([0x44] * 32)
DIGEST = bytes(range(32))
SECRET = bytes(range(1, 33))
URL = "https://fhir.hospital-a.example/Observation/123/_history/4"


def pointer_context(**changes):
    fields = dict(patient=PATIENT, custodian="hospital-a", resource_type="Observation", digest=DIGEST, epoch=1)
    fields.update(changes)
    return fhirbus.PointerContext(**fields)


def wrap_context(**changes):
    fields = dict(patient=PATIENT, custodian="hospital-a", epoch=1)
    fields.update(changes)
    return fhirbus.WrapContext(**fields)


@contextlib.contextmanager
def fails_with(name):
    """The call inside raises FhirbusError.Failed with this code name, and its number matches."""
    with pytest.raises(fhirbus.FhirbusError.Failed) as info:
        yield info
    err = info.value
    assert err.name == name, f"expected {name}, got {err.name} ({err.code}): {err.detail}"
    assert fhirbus.error_code_name(err.code) == name
