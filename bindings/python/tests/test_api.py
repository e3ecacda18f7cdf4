"""Every operation of bindings/API.md, used as a host would, on both backends."""

import threading

import pytest

import fhirbus
from helpers import DIGEST, PATIENT, SECRET, URL, fails_with, pointer_context, wrap_context

BACKENDS = pytest.mark.parametrize("backend", [None, 1, 2], ids=["default", "aws-lc", "rustcrypto"])
RESOURCE = b'{"resourceType":"Observation","id":"o1","status":"final","valueQuantity":{"value":1.00}}'


def test_version_and_error_table():
    assert fhirbus.version() == "0.1.0"
    codes = fhirbus.error_codes()
    assert codes == sorted(codes) and len(set(codes)) == len(codes)
    assert {100, 109, 203, 205, 300, 999} <= set(codes)
    for code in codes:
        name = fhirbus.error_code_name(code)
        assert name and name == name.upper()
        assert fhirbus.error_code_description(code) == f"{name} ({code})"
    assert fhirbus.error_code_name(203) == "BAD_SIGNATURE"
    for missing in (0, 7, 998, 2**32 - 1):
        assert fhirbus.error_code_name(missing) is None
        assert fhirbus.error_code_description(missing) is None


def test_error_carries_code_name_and_detail():
    with pytest.raises(fhirbus.FhirbusError) as info:  # the base class catches every failure
        fhirbus.SigningKey.from_secret(b"short")
    err = info.value
    assert isinstance(err, fhirbus.FhirbusError.Failed)
    assert (err.code, err.name) == (109, "INVALID_LENGTH")
    assert "32 bytes" in err.detail
    assert "INVALID_LENGTH" in str(err)


def test_canonical_forms_and_digests():
    assert fhirbus.jcs(b' {"b": 1, "a": [true, null]} ') == b'{"a":[true,null],"b":1}'
    assert fhirbus.fhir_canonical(RESOURCE) == fhirbus.fhir_canonical(RESOURCE, 0)
    assert b"1.00" in fhirbus.fhir_canonical(RESOURCE)  # FHIR decimals keep their precision
    with_text = b'{"resourceType":"Basic","text":{"div":"x"},"meta":{"versionId":"2"},"id":"b"}'
    assert fhirbus.fhir_canonical(with_text, 1) == b'{"id":"b","meta":{"versionId":"2"},"resourceType":"Basic"}'
    assert fhirbus.fhir_canonical(with_text, 2) == b'{"id":"b","resourceType":"Basic"}'
    for variant in (0, 1, 2):
        assert fhirbus.fhir_digest(with_text, variant) == fhirbus.sha256(fhirbus.fhir_canonical(with_text, variant))
    assert fhirbus.sha256(b"abc").hex() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert len(fhirbus.sha256(b"")) == 32


@BACKENDS
def test_signing_key_round_trip(backend):
    key = fhirbus.SigningKey.generate(backend)
    public, kid = key.public_key(), key.key_id()
    assert len(public) == 65 and public[0] == 4 and len(kid) == 32 and len(key.secret_bytes()) == 32
    again = fhirbus.SigningKey.from_secret(key.secret_bytes(), backend)
    assert again.public_key() == public and again.key_id() == kid
    for domain in range(1, 7):
        sig = key.sign(domain, b"message")
        assert len(sig) == 64
        fhirbus.verify(public, domain, b"message", kid, sig)
        other = 1 + domain % 6
        with fails_with("BAD_SIGNATURE"):
            fhirbus.verify(public, other, b"message", kid, sig)  # domains never cross
    with fails_with("BAD_SIGNATURE"):
        fhirbus.verify(public, 6, b"messagE", kid, key.sign(6, b"message"))


def test_fixed_key_is_deterministic_and_redacted():
    key = fhirbus.SigningKey.from_secret(SECRET)
    assert key.secret_bytes() == SECRET
    assert key.key_id().hex() in repr(key) and SECRET.hex() not in repr(key)
    assert "redacted" in repr(key)


def test_der_signatures():
    key = fhirbus.SigningKey.from_secret(SECRET)
    sig = key.sign(6, b"m")
    r, s = sig[:32], sig[32:]

    def der_int(x):
        x = x.lstrip(b"\0") or b"\0"
        if x[0] & 0x80:
            x = b"\0" + x
        return bytes([2, len(x)]) + x

    body = der_int(r) + der_int(s)
    der = bytes([0x30, len(body)]) + body
    assert fhirbus.signature_from_der(der) == sig
    fhirbus.verify(key.public_key(), 6, b"m", key.key_id(), der)  # verify takes DER too
    with fails_with("INVALID_SIGNATURE_ENCODING"):
        fhirbus.signature_from_der(der[:-1])


@BACKENDS
def test_data_key_seals_and_opens_pointers(backend):
    key = fhirbus.DataKey.generate(backend)
    assert len(key.to_bytes()) == 32
    context = pointer_context()
    sealed = key.seal_pointer(context, URL)
    assert len(sealed.nonce) == 12 and len(sealed.ciphertext) == len(URL) + 16
    assert key.open_pointer(context, sealed) == URL
    copy = fhirbus.DataKey.from_bytes(key.to_bytes(), 2 if backend == 1 else 1)  # the other backend opens it
    assert copy.open_pointer(context, sealed) == URL
    assert key.seal_pointer(context, URL).nonce != sealed.nonce  # fresh nonces
    for moved in (pointer_context(epoch=2), pointer_context(custodian="hospital-b"),
                  pointer_context(resource_type="Patient"), pointer_context(digest=bytes(32)),
                  pointer_context(patient=bytes(32))):
        with fails_with("DECRYPTION_FAILED"):
            key.open_pointer(moved, sealed)
    tampered = fhirbus.SealedPointer(nonce=sealed.nonce, ciphertext=bytes([sealed.ciphertext[0] ^ 1]) + sealed.ciphertext[1:])
    with fails_with("DECRYPTION_FAILED"):
        key.open_pointer(context, tampered)
    with fails_with("TOO_LARGE"):
        key.seal_pointer(context, "x" * 2049)


@BACKENDS
def test_encryption_key_wraps_and_unwraps(backend):
    recipient = fhirbus.EncryptionKey.generate(backend)
    assert len(recipient.public_key()) == 65 and len(recipient.key_id()) == 32
    again = fhirbus.EncryptionKey.from_secret(recipient.secret_bytes(), backend)
    assert again.key_id() == recipient.key_id()
    data_key = fhirbus.DataKey.generate()
    wrapped = fhirbus.wrap(recipient.public_key(), data_key, wrap_context())
    assert wrapped.key_id == recipient.key_id() and len(wrapped.enc) == 65 and len(wrapped.ciphertext) == 48
    assert recipient.unwrap(wrapped, wrap_context()).to_bytes() == data_key.to_bytes()
    with fails_with("DECRYPTION_FAILED"):
        recipient.unwrap(wrapped, wrap_context(epoch=2))
    with fails_with("KEY_ID_MISMATCH"):
        fhirbus.EncryptionKey.generate().unwrap(wrapped, wrap_context())
    # An encryption key's id differs from the signing key id of the same scalar.
    assert fhirbus.EncryptionKey.from_secret(SECRET).key_id() != fhirbus.SigningKey.from_secret(SECRET).key_id()


def test_pseudonyms():
    key = fhirbus.PseudonymKey.generate()
    assert len(key.to_bytes()) == 32
    system = "urn:oid:2.16.840.1.113883.2.4.6.3"
    p = key.pseudonym(system, "123-45-678")
    assert len(p) == 32 and p == key.pseudonym(system, " 12345678 ")
    assert p != fhirbus.PseudonymKey.generate().pseudonym(system, "12345678")
    assert fhirbus.PseudonymKey.from_bytes(key.to_bytes()).pseudonym(system, "12345678") == p
    with fails_with("INVALID_VALUE") as info:
        key.pseudonym(system, "12345*678")
    assert "12345" not in str(info.value)  # the identifier never shows in an error


def test_record_entry_full_flow():
    custodian = fhirbus.SigningKey.generate()
    data_key = fhirbus.DataKey.generate()
    digest = fhirbus.fhir_digest(RESOURCE)
    encoded = fhirbus.record_entry_seal_and_sign(
        "hospital-a", PATIENT, "Observation", digest, 3, 1_764_000_000_000, URL, data_key, custodian)
    entry = fhirbus.RecordEntry.decode(encoded)
    assert entry.encode() == encoded
    assert (entry.custodian(), entry.patient(), entry.resource_type()) == ("hospital-a", PATIENT, "Observation")
    assert (entry.digest(), entry.epoch(), entry.time_ms()) == (digest, 3, 1_764_000_000_000)
    assert entry.key_id() == custodian.key_id() and len(entry.signature()) == 64
    entry.verify(custodian.public_key())
    with fails_with("KEY_ID_MISMATCH"):
        entry.verify(fhirbus.SigningKey.generate().public_key())
    assert entry.open_pointer(data_key) == URL
    with fails_with("DECRYPTION_FAILED"):
        entry.open_pointer(fhirbus.DataKey.generate())
    entry.check_resource(RESOURCE)
    entry.check_resource(b' { "status":"final", "valueQuantity":{"value":1.00}, "id":"o1", "resourceType":"Observation" } ')
    with fails_with("DIGEST_MISMATCH"):
        entry.check_resource(RESOURCE.replace(b"1.00", b"1.0"))
    # Through a key set, as a validator checks it.
    keys = fhirbus.KeySet()
    kid = keys.rotate(1, custodian.public_key(), 1_000)
    assert kid == custodian.key_id()
    keys.verify(1, b"x", kid, custodian.sign(1, b"x"), 2_000)
    # The entry against the custodian's key set, at the time the entry claims.
    entry.verify_with_key_set(keys)
    with fails_with("UNKNOWN_KEY"):
        entry.verify_with_key_set(fhirbus.KeySet())
    keys.revoke(kid, 1_764_000_000_000)
    with fails_with("KEY_REVOKED"):
        entry.verify_with_key_set(keys)


def test_key_set_rotation_and_revocation():
    old, new = fhirbus.SigningKey.generate(), fhirbus.SigningKey.generate()
    keys = fhirbus.KeySet()
    old_id = keys.rotate(1, old.public_key(), 10)
    sig = old.sign(6, b"m")
    new_id = keys.rotate(1, new.public_key(), 20)
    assert new_id == new.key_id()
    keys.verify(6, b"m", old_id, sig, 25)  # old keys keep verifying after rotation
    keys.revoke(old_id, 100)
    keys.verify(6, b"m", old_id, sig, 99)
    with fails_with("KEY_REVOKED"):
        keys.verify(6, b"m", old_id, sig, 100)
    with fails_with("KEY_NOT_YET_VALID"):
        keys.verify(6, b"m", old_id, sig, 9)
    with fails_with("KEY_REVOKED"):
        keys.promote(old_id)  # a revoked key cannot become primary
    keys.promote(new_id)
    with fails_with("UNKNOWN_KEY"):
        keys.promote(bytes(32))
    with fails_with("INVALID_LENGTH"):
        keys.promote(bytes(31))
    with fails_with("DUPLICATE_KEY_ID"):
        keys.add(1, old.public_key(), 200)
    with fails_with("UNKNOWN_KEY"):
        keys.revoke(bytes(32), 1)
    enc = fhirbus.EncryptionKey.generate()
    enc_id = keys.add(2, enc.public_key(), 10)
    assert enc_id == enc.key_id()
    with fails_with("WRONG_KEY_PURPOSE"):
        keys.verify(6, b"m", enc_id, sig, 50)
    assert "KeySet" in repr(keys)


def test_key_set_shared_between_threads():
    keys = fhirbus.KeySet()
    signers = [fhirbus.SigningKey.generate() for _ in range(8)]
    errors = []

    def work(key):
        try:
            kid = keys.add(1, key.public_key(), 5)
            for i in range(20):
                keys.verify(6, bytes([i]), kid, key.sign(6, bytes([i])), 10)
        except Exception as e:  # noqa: BLE001 - collected and asserted below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(k,)) for k in signers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
