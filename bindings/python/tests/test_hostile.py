"""Hostile input: wrong lengths, invalid UTF-8, bad points, wrong types, values out of range,
objects shared and dropped. Every one ends in an exception, never a crash."""

import ctypes
import gc

import pytest

import fhirbus
from helpers import DIGEST, PATIENT, SECRET, URL, fails_with, pointer_context, wrap_context

KEY = fhirbus.SigningKey.from_secret(SECRET)
SIG = KEY.sign(6, b"m")
ORDER = bytes.fromhex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551")


@pytest.mark.parametrize("n", [0, 1, 31, 33, 64, 4096])
def test_wrong_secret_and_key_lengths(n):
    data = bytes([7]) * n
    for make in (fhirbus.SigningKey.from_secret, fhirbus.EncryptionKey.from_secret,
                 fhirbus.DataKey.from_bytes, fhirbus.PseudonymKey.from_bytes):
        with fails_with("INVALID_LENGTH"):
            make(data)


@pytest.mark.parametrize("secret", [bytes(32), ORDER, b"\xff" * 32], ids=["zero", "order", "max"])
def test_secret_scalars_out_of_range(secret):
    with fails_with("INVALID_SECRET_KEY"):
        fhirbus.SigningKey.from_secret(secret)
    with fails_with("INVALID_SECRET_KEY"):
        fhirbus.EncryptionKey.from_secret(secret)


@pytest.mark.parametrize(
    "public",
    [
        b"",
        b"\x00",  # the identity
        b"\x04" + bytes(64),  # (0, 0) is not on the curve
        KEY.public_key()[:-1] + bytes([KEY.public_key()[-1] ^ 1]),  # y off the curve
        b"\x05" + KEY.public_key()[1:],  # unknown prefix
        b"\x02" + b"\xff" * 32,  # compressed, x not below p
        KEY.public_key()[:33],  # truncated
        KEY.public_key() + b"\x00",  # trailing byte
    ],
    ids=["empty", "identity", "zero", "off-curve", "prefix", "x-too-big", "truncated", "trailing"],
)
def test_bad_points(public):
    with fails_with("INVALID_PUBLIC_KEY"):
        fhirbus.verify(public, 6, b"m", KEY.key_id(), SIG)
    with fails_with("INVALID_PUBLIC_KEY"):
        fhirbus.KeySet().add(1, public, 0)
    with fails_with("INVALID_PUBLIC_KEY"):
        fhirbus.KeySet().rotate(2, public, 0)
    with fails_with("INVALID_PUBLIC_KEY"):
        fhirbus.wrap(public, fhirbus.DataKey.generate(), wrap_context())


def test_compressed_point_is_accepted():
    public = KEY.public_key()
    compressed = bytes([2 + (public[-1] & 1)]) + public[1:33]
    fhirbus.verify(compressed, 6, b"m", KEY.key_id(), SIG)


def test_signature_encodings_and_values():
    kid, public = KEY.key_id(), KEY.public_key()
    for n in (0, 1, 63, 65, 128):
        with fails_with("INVALID_SIGNATURE_ENCODING"):
            fhirbus.verify(public, 6, b"m", kid, bytes([1]) * n)
    for sig in (bytes(64), ORDER + SIG[32:], SIG[:32] + bytes(32)):
        with fails_with("INVALID_SIGNATURE_ENCODING"):
            fhirbus.verify(public, 6, b"m", kid, sig)
    high_s = SIG[:32] + (int.from_bytes(ORDER, "big") - int.from_bytes(SIG[32:], "big")).to_bytes(32, "big")
    with fails_with("HIGH_S_SIGNATURE"):
        fhirbus.verify(public, 6, b"m", kid, high_s)
    for n in (0, 31, 33):
        with fails_with("INVALID_LENGTH"):
            fhirbus.verify(public, 6, b"m", bytes(n), SIG)
        with fails_with("INVALID_LENGTH"):
            fhirbus.KeySet().verify(6, b"m", bytes(n), SIG, 0)
        with fails_with("INVALID_LENGTH"):
            fhirbus.KeySet().revoke(bytes(n), 0)
    with fails_with("KEY_ID_MISMATCH"):
        fhirbus.verify(public, 6, b"m", bytes(32), SIG)


@pytest.mark.parametrize("domain", [0, 7, 255])
def test_domains_out_of_range(domain):
    with fails_with("INVALID_VALUE"):
        KEY.sign(domain, b"m")
    with fails_with("INVALID_VALUE"):
        fhirbus.verify(KEY.public_key(), domain, b"m", KEY.key_id(), SIG)


def test_other_numbers_out_of_range():
    for backend in (0, 3, 255):
        for make in (fhirbus.SigningKey.generate, fhirbus.EncryptionKey.generate, fhirbus.DataKey.generate):
            with fails_with("INVALID_VALUE"):
                make(backend)
    for variant in (3, 255):
        with fails_with("INVALID_VALUE"):
            fhirbus.fhir_canonical(b'{"resourceType":"Basic"}', variant)
        with fails_with("INVALID_VALUE"):
            fhirbus.fhir_digest(b'{"resourceType":"Basic"}', variant)
    for purpose in (0, 3, 255):
        with fails_with("INVALID_VALUE"):
            fhirbus.KeySet().add(purpose, KEY.public_key(), 0)


def test_numbers_outside_their_type_are_refused_before_the_call():
    # uniffi checks the ranges of u8 / u32 / u64 in Python, before anything crosses.
    for bad in (-1, 256, 2**64):
        with pytest.raises((ValueError, OverflowError, TypeError)):
            KEY.sign(bad, b"m")
    with pytest.raises((ValueError, OverflowError)):
        fhirbus.KeySet().add(1, KEY.public_key(), -1)
    with pytest.raises((ValueError, OverflowError)):
        fhirbus.KeySet().add(1, KEY.public_key(), 2**64)
    with pytest.raises((ValueError, OverflowError)):
        fhirbus.DataKey.generate().seal_pointer(pointer_context(epoch=2**32), URL)


@pytest.mark.parametrize(
    "data",
    [b"\xff", b'"\xc3\x28"', b'{"resourceType":"Basic","a":"\xed\xa0\x80"}', b'{"resourceType":"Basic","a":"\xf8\x88\x80\x80\x80"}',
     b'{"resourceType":"Basic","a":"\xe2\x82"}'],
    ids=["ff", "bad-continuation", "utf8-surrogate", "five-byte", "truncated"],
)
def test_invalid_utf8_in_json_bytes(data):
    with fails_with("INVALID_TEXT"):
        fhirbus.jcs(data)
    for variant in (0, 1, 2):
        with fails_with("INVALID_TEXT"):
            fhirbus.fhir_canonical(data, variant)


def test_invalid_utf8_in_entries_and_resources():
    custodian, data_key = fhirbus.SigningKey.generate(), fhirbus.DataKey.generate()
    resource = b'{"resourceType":"Basic","id":"b"}'
    entry = fhirbus.RecordEntry.decode(fhirbus.record_entry_seal_and_sign(
        "hospital-a", PATIENT, "Basic", fhirbus.fhir_digest(resource), 1, 5, URL, data_key, custodian))
    with fails_with("INVALID_TEXT"):
        entry.check_resource(b'{"resourceType":"Basic","id":"\xff"}')
    encoded = entry.encode()
    with fails_with("INVALID_TEXT"):
        fhirbus.RecordEntry.decode(encoded.replace(b"hospital-a", b"hospital-\xff"))


def test_text_that_is_not_unicode_never_crosses():
    key = fhirbus.PseudonymKey.generate()
    with pytest.raises(UnicodeEncodeError):
        key.pseudonym("urn:oid:1.2.3", "12\ud80034")
    with pytest.raises(UnicodeEncodeError):
        fhirbus.DataKey.generate().seal_pointer(pointer_context(), "https://x/\udc00")


def test_bad_contexts():
    key = fhirbus.DataKey.generate()
    sealed = key.seal_pointer(pointer_context(), URL)
    for context, name in [
        (pointer_context(patient=PATIENT[:31]), "INVALID_LENGTH"),
        (pointer_context(digest=DIGEST + b"\0"), "INVALID_LENGTH"),
        (pointer_context(custodian="Hospital A"), "INVALID_VALUE"),
        (pointer_context(custodian=""), "INVALID_VALUE"),
        (pointer_context(resource_type="observation"), "INVALID_VALUE"),
        (pointer_context(resource_type="Obs\0"), "INVALID_VALUE"),
    ]:
        with fails_with(name):
            key.seal_pointer(context, URL)
        with fails_with(name):
            key.open_pointer(context, sealed)
    data_key = fhirbus.DataKey.generate()
    with fails_with("INVALID_LENGTH"):
        fhirbus.wrap(KEY.public_key(), data_key, wrap_context(patient=b""))
    with fails_with("INVALID_VALUE"):
        fhirbus.wrap(KEY.public_key(), data_key, wrap_context(custodian="x" * 65))


def test_sealed_and_wrapped_parts_of_wrong_length():
    key = fhirbus.DataKey.generate()
    sealed = key.seal_pointer(pointer_context(), URL)
    for nonce in (b"", sealed.nonce[:11], sealed.nonce + b"\0"):
        with fails_with("INVALID_LENGTH"):
            key.open_pointer(pointer_context(), fhirbus.SealedPointer(nonce=nonce, ciphertext=sealed.ciphertext))
    for ct in (b"", sealed.ciphertext[:15], bytes(2065)):
        with fails_with("INVALID_LENGTH"):
            key.open_pointer(pointer_context(), fhirbus.SealedPointer(nonce=sealed.nonce, ciphertext=ct))
    recipient = fhirbus.EncryptionKey.generate()
    wrapped = fhirbus.wrap(recipient.public_key(), key, wrap_context())
    for kid, enc, ct in [(wrapped.key_id[:31], wrapped.enc, wrapped.ciphertext),
                         (wrapped.key_id, wrapped.enc[:64], wrapped.ciphertext),
                         (wrapped.key_id, wrapped.enc, wrapped.ciphertext[:47]),
                         (wrapped.key_id, wrapped.enc, wrapped.ciphertext + b"\0")]:
        with fails_with("INVALID_LENGTH"):
            recipient.unwrap(fhirbus.WrappedKey(key_id=kid, enc=enc, ciphertext=ct), wrap_context())
    bad_enc = fhirbus.WrappedKey(key_id=wrapped.key_id, enc=b"\x04" + bytes(64), ciphertext=wrapped.ciphertext)
    with pytest.raises(fhirbus.FhirbusError.Failed) as info:
        recipient.unwrap(bad_enc, wrap_context())
    assert info.value.name in ("INVALID_PUBLIC_KEY", "DECRYPTION_FAILED")


@pytest.mark.parametrize("size", [0, 1, 8 * 1024 + 1, 1 << 20])
def test_record_entry_garbage(size):
    with pytest.raises(fhirbus.FhirbusError.Failed):
        fhirbus.RecordEntry.decode(b"{" * size)


def test_large_inputs():
    with fails_with("TOO_LARGE"):
        fhirbus.jcs(b" " * (16 * 1024 * 1024 + 1))
    with fails_with("TOO_DEEP"):
        fhirbus.jcs(b"[" * 100_000)
    assert len(fhirbus.sha256(bytes(8 << 20))) == 32


def test_wrong_types_are_refused_in_python():
    data_key = fhirbus.DataKey.generate()
    with pytest.raises(TypeError):
        fhirbus.jcs("not bytes")
    with pytest.raises(TypeError):
        fhirbus.verify(None, 6, b"m", KEY.key_id(), SIG)
    with pytest.raises(TypeError):
        fhirbus.wrap(KEY.public_key(), KEY, wrap_context())  # a SigningKey is not a DataKey
    with pytest.raises(TypeError):
        fhirbus.wrap(KEY.public_key(), None, wrap_context())
    with pytest.raises(TypeError):
        fhirbus.record_entry_seal_and_sign("hospital-a", PATIENT, "Basic", DIGEST, 1, 1, URL, KEY, data_key)
    with pytest.raises((TypeError, AttributeError)):  # records are checked field by field
        data_key.open_pointer(pointer_context(), (b"n", b"c"))
    with pytest.raises(ValueError):
        fhirbus.SigningKey()  # objects come only from their named constructors
    # bytearray and memoryview pass uniffi's bytes-like check, but its ctypes copy takes only
    # bytes (uniffi 0.32): an exception, never a crash. Hosts pass bytes(x) (see the README).
    for like in (bytearray(b"abc"), memoryview(b"abc")):
        with pytest.raises((TypeError, ctypes.ArgumentError)):
            fhirbus.sha256(like)


def test_objects_outlive_the_objects_they_came_from():
    recipient = fhirbus.EncryptionKey.generate()
    data_key = fhirbus.DataKey.generate()
    wrapped = fhirbus.wrap(recipient.public_key(), data_key, wrap_context())
    unwrapped = recipient.unwrap(wrapped, wrap_context())
    expected = data_key.to_bytes()
    del recipient, data_key
    gc.collect()
    assert unwrapped.to_bytes() == expected


def test_many_objects_created_and_dropped():
    for _ in range(2000):
        key = fhirbus.DataKey.from_bytes(bytes(32))
        keys = fhirbus.KeySet()
        del key, keys
    gc.collect()
