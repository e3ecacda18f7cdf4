"""Consent, ledger and access (API.md, issues 4 to 6): a small network in process, every
query and flow step through the bindings, and hostile input to each."""

import base64
import json
import os
from pathlib import Path

import pytest

import fhirbus
from helpers import fails_with

ROOT = Path(__file__).resolve().parents[3]
CONSENTS = ROOT / "core" / "test-data" / "fhir-consent"
T0 = 1_764_000_000_000
PATIENT = bytes([1] * 32)
RESOURCE = b'{"resourceType":"Observation","id":"o1","status":"final"}'
URL = "https://fhir.hospital-a.example/Observation/o1/_history/1"


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class World:
    """Two hospitals, one validator, one enrolled patient with one record entry."""

    def __init__(self):
        self.a, self.b, self.v = fhirbus.SigningKey.generate(), fhirbus.SigningKey.generate(), fhirbus.SigningKey.generate()
        self.ea, self.eb = fhirbus.EncryptionKey.generate(), fhirbus.EncryptionKey.generate()
        member = lambda org, s, e: {"org": org, "name": org.title(), "signingKey": b64(s.public_key()),
                                    "encryptionKey": b64(e.public_key())}
        self.genesis = json.dumps({
            "chain": "test-net", "time": T0,
            "members": [member("hospital-a", self.a, self.ea), member("hospital-b", self.b, self.eb)],
            "council": ["hospital-a"], "validators": [b64(self.v.public_key())],
            "policy": {"allowEmergencyAccess": True, "maxTxAgeMs": 600_000, "maxClockSkewMs": 60_000},
        }).encode()
        self.net = fhirbus.EmbeddedNetwork(self.genesis, [self.v])
        patient_sig, patient_enc = fhirbus.SigningKey.generate(), fhirbus.EncryptionKey.generate()
        enrol = {"v": 1, "chain": "test-net", "time": T0 + 10, "nonce": b64(os.urandom(16)),
                 "body": {"type": "enrol_patient", "by": "hospital-a", "patient": b64(PATIENT),
                          "signing_key": b64(patient_sig.public_key()), "encryption_key": b64(patient_enc.public_key())}}
        self.enrol_tx = fhirbus.transaction_sign(json.dumps(enrol).encode(), [self.a])
        self.net.submit(self.enrol_tx, T0 + 10)
        self.blocks = [self.net.produce_block(T0 + 20)]
        self.data_key = fhirbus.DataKey.generate()
        self.entry = fhirbus.record_entry_seal_and_sign(
            "hospital-a", PATIENT, "Observation", fhirbus.fhir_digest(RESOURCE), 1, T0 + 25, URL, self.data_key, self.a)
        self.net.submit(fhirbus.transaction_register_record("test-net", self.entry), T0 + 30)
        self.blocks.append(self.net.produce_block(T0 + 40))
        self.state = self.net.state()
        self.entry_id = bytes.fromhex(json.loads(self.state.records(PATIENT))[0]["id"])


@pytest.fixture(scope="module")
def w():
    return World()


def test_state_queries(w):
    s = w.state
    assert (s.height(), s.chain()) == (2, "test-net")
    assert len(s.state_root()) == 32 and len(s.last_hash()) == 32
    assert "height 2" in repr(s) and "test-net" in repr(s)
    records = json.loads(s.records(PATIENT))
    assert len(records) == 1 and records[0]["entry"]["entry"]["custodian"] == "hospital-a"
    assert fhirbus.RecordEntry.decode(fhirbus.jcs(json.dumps(records[0]["entry"]).encode())).encode() == w.entry
    assert json.loads(s.visible_records("hospital-b", PATIENT, "TREAT", T0 + 50)) == []
    assert json.loads(s.consents(PATIENT)) == []
    actions = [e["action"] for e in json.loads(s.audit(PATIENT))]
    assert actions == ["patient_enrolled", "record_registered"]
    assert json.loads(s.audit_fhir(PATIENT))["resourceType"] == "Bundle"
    assert len(json.loads(s.org_actions("hospital-a"))) == 2
    assert json.loads(s.member("hospital-a")) is not None
    assert json.loads(s.member("hospital-x")) is None
    assert json.loads(s.records(bytes(32))) == []


def test_a_light_host_applies_the_blocks_to_the_same_state(w):
    light = fhirbus.LedgerState.from_genesis(w.genesis)
    assert light.height() == 0
    events = [json.loads(light.apply_block(b)) for b in w.blocks]
    assert [e[0]["action"] for e in events] == ["patient_enrolled", "record_registered"]
    assert (light.height(), light.state_root(), light.last_hash()) == (2, w.state.state_root(), w.state.last_hash())
    root = light.state_root()
    with pytest.raises(fhirbus.FhirbusError.Failed):
        light.apply_block(w.blocks[1])  # a replayed block is refused
    with pytest.raises(fhirbus.FhirbusError.Failed):
        light.apply_block(w.blocks[1][:-1])  # a truncated one too
    assert (light.height(), light.state_root()) == (2, root)  # and nothing changed


def test_proofs(w):
    proof = json.loads(w.state.prove("record", w.entry_id.hex()))
    root, value, body = bytes.fromhex(proof["root"]), bytes.fromhex(proof["value"]), json.dumps(proof["proof"]).encode()
    assert root == w.state.state_root()
    fhirbus.verify_proof(root, body, value)
    with pytest.raises(fhirbus.FhirbusError.Failed):
        fhirbus.verify_proof(root, body, bytes(32))  # another value
    with fails_with("INVALID_VALUE"):
        fhirbus.verify_proof(root, body, None)  # an absence names its item: verify_absence
    # A member never admitted is shown absent; an entry never registered has no proof.
    absent = json.loads(w.state.prove("member", "never-admitted"))
    assert "value" not in absent
    absent_proof = json.dumps(absent["proof"]).encode()
    fhirbus.verify_absence(root, "member", "never-admitted", absent_proof)
    with fails_with("BAD_SIGNATURE"):
        fhirbus.verify_absence(root, "member", "hospital-a", absent_proof)  # about another item
    with fails_with("INVALID_VALUE"):
        fhirbus.verify_absence(root, "record", w.entry_id.hex(), body)
    with fails_with("INVALID_VALUE"):
        w.state.prove("record", "00" * 32)
    for kind, ident in (("member", "hospital-a"), ("patient", b64(PATIENT))):
        p = json.loads(w.state.prove(kind, ident))
        fhirbus.verify_proof(bytes.fromhex(p["root"]), json.dumps(p["proof"]).encode(), bytes.fromhex(p["value"]))
    with fails_with("INVALID_VALUE"):
        w.state.prove("block", "1")
    with fails_with("INVALID_LENGTH"):
        fhirbus.verify_proof(root[:31], body, value)
    with pytest.raises(fhirbus.FhirbusError.Failed):
        fhirbus.verify_proof(root, b"{", value)


def test_access_flow(w):
    denied = fhirbus.request_access(w.state, "hospital-b", w.b, w.entry_id, "TREAT", T0 + 50)
    assert json.loads(denied.decision)["permit"] is False
    emergency = fhirbus.request_access(w.state, "hospital-b", w.b, w.entry_id, "ETREAT", T0 + 50)
    decision = json.loads(emergency.decision)
    assert (decision["permit"], decision["basis"]) == (True, "emergencyPolicy")
    w.net.submit(denied.tx, T0 + 50)
    w.net.submit(emergency.tx, T0 + 51)
    w.net.produce_block(T0 + 60)
    state = w.net.state()
    with fails_with("ACCESS_DENIED"):
        fhirbus.custodian_release(state, "hospital-a", denied.tx, T0 + 70)
    unsubmitted = fhirbus.request_access(state, "hospital-b", w.b, w.entry_id, "ETREAT", T0 + 52)
    with fails_with("NOT_ON_LEDGER"):
        fhirbus.custodian_release(state, "hospital-a", unsubmitted.tx, T0 + 70)
    release = json.loads(fhirbus.custodian_release(state, "hospital-a", emergency.tx, T0 + 70))
    assert release == {"emergency": True, "entry": w.entry_id.hex(), "requester": "hospital-b",
                       "obligations": {"audit": True, "notifyPatient": True}}
    with fails_with("NO_DATA_KEY_SHARE"):
        fhirbus.open_pointer(state, "hospital-b", w.eb, w.entry_id)
    fhirbus.check_fetched(state, w.entry_id, RESOURCE)
    with fails_with("DIGEST_MISMATCH"):
        fhirbus.check_fetched(state, w.entry_id, RESOURCE.replace(b"final", b"amended"))
    trail = json.loads(state.audit(PATIENT))
    assert [e["action"] for e in trail][-2:] == ["access_decided", "access_decided"]
    assert [e["permitted"] for e in trail][-2:] == [False, True]


def test_ledger_hostile_input(w):
    s = w.state
    for bad in (b"", b"{", b"[]", b'{"chain":"x"}', w.genesis + b" x"):
        with pytest.raises(fhirbus.FhirbusError.Failed):
            fhirbus.LedgerState.from_genesis(bad)
    with fails_with("UNKNOWN_KEY"):
        fhirbus.EmbeddedNetwork(w.genesis, [w.a])  # not a validator
    with pytest.raises(fhirbus.FhirbusError.Failed):
        fhirbus.EmbeddedNetwork(w.genesis, [])
    for bad in (b"", b"\xff", b"{}", w.enrol_tx):  # garbage, and a replay
        with pytest.raises(fhirbus.FhirbusError.Failed):
            w.net.submit(bad, T0 + 80)
    with pytest.raises(fhirbus.FhirbusError.Failed):
        s.apply_block(b"\xff" * 10)
    for n in (0, 31, 33):
        with fails_with("INVALID_LENGTH"):
            s.records(bytes(n))
        with fails_with("INVALID_LENGTH"):
            fhirbus.check_fetched(s, bytes(n), RESOURCE)
        with fails_with("INVALID_LENGTH"):
            fhirbus.request_access(s, "hospital-b", w.b, bytes(n), "TREAT", T0)
    with fails_with("INVALID_VALUE"):
        fhirbus.request_access(s, "hospital-b", w.b, w.entry_id, "treat!", T0 + 50)
    with fails_with("INVALID_VALUE"):
        s.visible_records("Hospital B", PATIENT, "TREAT", T0)
    with fails_with("INVALID_VALUE"):
        s.member("")
    with pytest.raises(fhirbus.FhirbusError.Failed):
        fhirbus.custodian_release(s, "hospital-a", b"not a transaction", T0)
    with pytest.raises(fhirbus.FhirbusError.Failed):
        fhirbus.transaction_sign(b'{"v":1}', [w.a])
    with pytest.raises(fhirbus.FhirbusError.Failed):
        fhirbus.transaction_register_record("test-net", b"{}")
    with pytest.raises(TypeError):
        fhirbus.transaction_sign(b"{}", [w.ea])  # an encryption key cannot sign


CONSENT_FILES = sorted(CONSENTS.glob("r[45]/*.json"))


@pytest.mark.parametrize("path", CONSENT_FILES, ids=[f"{p.parent.name}-{p.stem}" for p in CONSENT_FILES])
def test_hl7_consent_examples(path):
    """Each of HL7's examples imports, or is refused with a consent error; what imports
    survives encoding and export to its own FHIR version unchanged, and export to the other
    version either round-trips too or is refused with a consent error."""
    version = int(path.parent.name[1])
    try:
        consent = fhirbus.Consent.from_fhir(path.read_bytes(), version, PATIENT)
    except fhirbus.FhirbusError.Failed as e:
        assert e.name in ("CONSENT_UNSUPPORTED_ELEMENT", "CONSENT_INVALID"), e
        return
    encoded = consent.encode()
    assert consent.patient() == PATIENT and consent.id() and consent.id() in repr(consent)
    assert fhirbus.Consent.decode(encoded).encode() == encoded
    assert fhirbus.Consent.from_fhir(consent.to_fhir(version), version, PATIENT).encode() == encoded
    other = 9 - version
    try:
        exported = consent.to_fhir(other)
    except fhirbus.FhirbusError.Failed as e:
        assert e.name == "CONSENT_UNSUPPORTED_ELEMENT", e
        return
    assert fhirbus.Consent.from_fhir(exported, other, PATIENT).encode() == encoded


def test_some_hl7_examples_import():
    imported = 0
    for path in CONSENT_FILES:
        try:
            fhirbus.Consent.from_fhir(path.read_bytes(), int(path.parent.name[1]), PATIENT)
            imported += 1
        except fhirbus.FhirbusError.Failed:
            pass
    assert imported >= 2


def test_decide():
    none = json.loads(fhirbus.decide([], "hospital-b", PATIENT, "TREAT", "Observation", T0, False, T0))
    assert (none["permit"], none["basis"]) == (False, "networkDefault") and none["explanation"]
    emergency = json.loads(fhirbus.decide([], "hospital-b", PATIENT, "ETREAT", "Observation", T0, True, T0))
    assert (emergency["permit"], emergency["basis"]) == (True, "emergencyPolicy")
    basic = fhirbus.Consent.from_fhir((CONSENTS / "r4" / "Consent-consent-example-basic.json").read_bytes(), 4, PATIENT)
    d = json.loads(fhirbus.decide([basic, basic], "hospital-b", PATIENT, "TREAT", "Observation", T0, False, T0))
    assert set(d) >= {"permit", "basis", "explanation", "obligations"}


def test_consent_hostile_input():
    data = (CONSENTS / "r4" / "Consent-consent-example-basic.json").read_bytes()
    for version in (0, 3, 6, 255):
        with fails_with("INVALID_VALUE"):
            fhirbus.Consent.from_fhir(data, version, PATIENT)
    with fails_with("INVALID_LENGTH"):
        fhirbus.Consent.from_fhir(data, 4, PATIENT[:31])
    with fails_with("INVALID_TEXT"):
        fhirbus.Consent.from_fhir(b'{"resourceType":"Consent","id":"\xff"}', 4, PATIENT)
    for bad in (b"", b"{", b"{}", data):
        with pytest.raises(fhirbus.FhirbusError.Failed):
            fhirbus.Consent.decode(bad)
    basic = fhirbus.Consent.from_fhir(data, 4, PATIENT)
    with fails_with("INVALID_VALUE"):
        basic.to_fhir(3)
    with fails_with("INVALID_VALUE"):
        fhirbus.decide([basic], "hospital-b", PATIENT, "NOPE", "Observation", T0, False, T0)
    with fails_with("INVALID_VALUE"):
        fhirbus.decide([basic], "hospital-b", PATIENT, "TREAT", "observation", T0, False, T0)
    with pytest.raises(TypeError):
        fhirbus.decide([None], "hospital-b", PATIENT, "TREAT", "Observation", T0, False, T0)
