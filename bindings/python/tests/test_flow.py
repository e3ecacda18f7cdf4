"""The whole consent, ledger and access flow through the binding API only, as a host runs it
(core/tests/ledger.rs, module consent_on_the_ledger; cli/src/main.rs grant, share_key, revoke,
access): three members and four validators, a patient enrolled, a record registered, a
consent granted from FHIR R4, a data key shared, access requested, released, opened and
checked; the consent revoked and access denied; the glass broken; the audit trail; a light
host that replays every block, checks a proof against its own root and refuses a tampered
block.

The steps share one network and run in file order: each test is one step of the flow and
starts from the state the previous ones left."""

import base64
import functools
import json
import os

import pytest

import fhirbus
from helpers import fails_with

T0 = 1_764_000_000_000
CHAIN = "flow-net"
ORGS = ("hospital-a", "hospital-b", "registry")
NATIONAL_ID = ("urn:oid:2.16.840.1.113883.4.1", "123-45-6789")
RESOURCE = b'{"resourceType":"Observation","id":"o1","status":"final","valueQuantity":{"value":1.00}}'
REORDERED = b'{ "valueQuantity": {"value": 1.00}, "status": "final", "id": "o1", "resourceType": "Observation" }'
URL = "https://fhir.hospital-a.example/fhir/Observation/o1/_history/1"
CONSENT_ID = "consent-b-treat"


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def consent_r4(patient):
    """A FHIR R4 privacy consent: the patient permits hospital-b to see Observations for
    treatment (written here as a portal would, naming the patient by pseudonym)."""
    coding = lambda system, code: {"coding": [{"system": system, "code": code}]}
    return json.dumps({
        "resourceType": "Consent",
        "id": CONSENT_ID,
        "status": "active",
        "scope": coding("http://terminology.hl7.org/CodeSystem/consentscope", "patient-privacy"),
        "category": [coding("http://loinc.org", "59284-0")],
        "patient": {"identifier": {"system": "urn:fhirbus:patient-pseudonym", "value": b64(patient)}},
        "dateTime": "2025-11-24",
        "policyRule": coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "OPTIN"),
        "provision": {
            "type": "permit",
            "actor": [{
                "role": coding("http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "PRCP"),
                "reference": {"reference": "Organization/hospital-b"},
            }],
            "purpose": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ActReason", "code": "TREAT"}],
            "class": [{"system": "http://hl7.org/fhir/resource-types", "code": "Observation"}],
        },
    }).encode()


class Org:
    def __init__(self, name):
        self.name = name
        self.sign = fhirbus.SigningKey.generate()
        self.enc = fhirbus.EncryptionKey.generate()


class Flow:
    """The network and what each step leaves for the next."""

    def __init__(self):
        self.orgs = {name: Org(name) for name in ORGS}
        self.a, self.b, self.registry = (self.orgs[n] for n in ORGS)
        self.validators = [fhirbus.SigningKey.generate() for _ in range(4)]
        self.genesis = json.dumps({
            "chain": CHAIN, "time": T0,
            "members": [{"org": o.name, "name": o.name.title(), "signingKey": b64(o.sign.public_key()),
                         "encryptionKey": b64(o.enc.public_key())} for o in self.orgs.values()],
            "council": list(ORGS),
            "validators": [b64(v.public_key()) for v in self.validators],
            "policy": {"allowEmergencyAccess": True, "maxTxAgeMs": 600_000, "maxClockSkewMs": 60_000},
        }).encode()
        self.net = fhirbus.EmbeddedNetwork(self.genesis, self.validators)
        self.blocks = []
        self.clock = T0
        self.done = set()

    def now(self):
        self.clock += 1_000
        return self.clock

    def tx(self, body, *keys):
        """An envelope around `body` at the next instant, signed by `keys`; returns the signed
        transaction's bytes and its time."""
        time = self.now()
        envelope = {"v": 1, "chain": CHAIN, "time": time, "nonce": b64(os.urandom(16)), "body": body}
        return fhirbus.transaction_sign(json.dumps(envelope).encode(), list(keys)), time

    def commit(self, signed, time):
        """Submit one signed transaction and order it into a block of its own, kept for the
        hosts that replay the chain."""
        assert len(self.net.submit(signed, time)) == 32
        block = self.net.produce_block(self.now())
        self.blocks.append(block)
        assert json.loads(block)["header"]["height"] == self.net.state().height() == len(self.blocks)

    def state(self):
        return self.net.state()


def step(name, after=None):
    """A step of the flow: it fails at once when the step it follows did not complete."""
    def wrap(test):
        @functools.wraps(test)
        def run(f):
            if after is not None and after not in f.done:
                pytest.fail(f"step {after!r} did not complete")
            test(f)
            f.done.add(name)
        return run
    return wrap


@pytest.fixture(scope="module")
def f():
    return Flow()


@step("genesis")
def test_genesis_three_members_four_validators(f):
    s = f.state()
    assert (s.height(), s.chain()) == (0, CHAIN)
    genesis_state = fhirbus.LedgerState.from_genesis(f.genesis)
    assert genesis_state.state_root() == s.state_root()
    for o in f.orgs.values():
        assert json.loads(s.member(o.name))["org"] == o.name
        assert s.member_primary_key(o.name, "encryption") == o.enc.public_key()
        assert s.member_primary_key(o.name, "signing") == o.sign.public_key()
    with fails_with("INVALID_VALUE"):
        s.member_primary_key("hospital-x", "encryption")
    with fails_with("INVALID_VALUE"):
        s.member_primary_key("hospital-b", "wrapping")
    # A quorum of the four (three) runs the network; two do not.
    fhirbus.EmbeddedNetwork(f.genesis, f.validators[1:])
    with fails_with("UNKNOWN_KEY"):
        fhirbus.EmbeddedNetwork(f.genesis, f.validators[:2])


@step("enrol", after="genesis")
def test_enrol_a_patient(f):
    f.pseudonym_key = fhirbus.PseudonymKey.generate()
    f.patient = f.pseudonym_key.pseudonym(*NATIONAL_ID)
    f.patient_sign, f.patient_enc = fhirbus.SigningKey.generate(), fhirbus.EncryptionKey.generate()
    body = {"type": "enrol_patient", "by": "hospital-a", "patient": b64(f.patient),
            "signing_key": b64(f.patient_sign.public_key()), "encryption_key": b64(f.patient_enc.public_key())}
    f.commit(*f.tx(body, f.a.sign))
    s = f.state()
    assert [e["action"] for e in json.loads(s.audit(f.patient))] == ["patient_enrolled"]
    proof = json.loads(s.prove("patient", b64(f.patient)))
    assert "value" in proof


@step("register", after="enrol")
def test_register_a_record_entry(f):
    s = f.state()
    f.epoch = s.data_key_epoch(f.patient, "hospital-a")
    assert f.epoch == 1
    f.data_key = fhirbus.DataKey.generate()
    f.entry = fhirbus.record_entry_seal_and_sign(
        "hospital-a", f.patient, "Observation", fhirbus.fhir_digest(RESOURCE), f.epoch, f.now(), URL,
        f.data_key, f.a.sign)
    entry = fhirbus.RecordEntry.decode(f.entry)
    entry.verify(f.a.sign.public_key())
    register = fhirbus.transaction_register_record(CHAIN, f.entry)
    f.commit(register, entry.time_ms())
    records = json.loads(f.state().records(f.patient))
    assert len(records) == 1 and records[0]["entry"] == json.loads(f.entry)
    f.entry_id = bytes.fromhex(records[0]["id"])
    # Before any consent, no other member sees it.
    assert json.loads(f.state().visible_records("hospital-b", f.patient, "TREAT", f.clock)) == []


def grant_tx(f, *keys):
    return f.tx({"type": "grant_consent", "consent": json.loads(f.consent.encode())}, *keys)


@step("refused grant", after="register")
def test_a_consent_signed_by_someone_other_than_the_patient_is_refused(f):
    f.consent = fhirbus.Consent.from_fhir(consent_r4(f.patient), 4, f.patient)
    assert (f.consent.id(), f.consent.patient()) == (CONSENT_ID, f.patient)
    for signer in (f.a.sign, f.b.sign, fhirbus.SigningKey.generate()):
        signed, time = grant_tx(f, signer)
        with fails_with("UNKNOWN_KEY") as info:
            f.net.submit(signed, time)
        assert info.value.code == 300
    assert json.loads(f.state().consents(f.patient)) == []


@step("grant", after="refused grant")
def test_grant_a_consent(f):
    f.commit(*grant_tx(f, f.patient_sign))
    s = f.state()
    consents = json.loads(s.consents(f.patient))
    assert consents == [json.loads(f.consent.encode())]
    assert fhirbus.Consent.decode(fhirbus.jcs(json.dumps(consents[0]).encode())).encode() == f.consent.encode()
    visible = json.loads(s.visible_records("hospital-b", f.patient, "TREAT", f.clock))
    assert [v["record"]["id"] for v in visible] == [f.entry_id.hex()]
    assert (visible[0]["decision"]["basis"], visible[0]["decision"]["consent"]) == ("consent", CONSENT_ID)
    assert json.loads(s.visible_records("registry", f.patient, "TREAT", f.clock)) == []
    assert json.loads(s.visible_records("hospital-b", f.patient, "HPAYMT", f.clock)) == []


def share_body(f, wrapped):
    return {"type": "share_data_key", "custodian": "hospital-a", "patient": b64(f.patient), "epoch": f.epoch,
            "recipient": "hospital-b",
            "wrapped": {"kid": wrapped.key_id.hex(), "enc": b64(wrapped.enc), "ct": b64(wrapped.ciphertext)}}


@step("share", after="grant")
def test_share_the_data_key(f):
    s = f.state()
    context = fhirbus.WrapContext(patient=f.patient, custodian="hospital-a", epoch=f.epoch)
    # Wrapped to another member's key: refused.
    stray = fhirbus.wrap(s.member_primary_key("registry", "encryption"), f.data_key, context)
    signed, time = f.tx(share_body(f, stray), f.a.sign)
    with fails_with("KEY_ID_MISMATCH"):
        f.net.submit(signed, time)
    # Signed by the recipient, not the custodian: refused.
    recipient_key = s.member_primary_key("hospital-b", "encryption")
    wrapped = fhirbus.wrap(recipient_key, f.data_key, context)
    signed, time = f.tx(share_body(f, wrapped), f.b.sign)
    with pytest.raises(fhirbus.FhirbusError.Failed):
        f.net.submit(signed, time)
    f.commit(*f.tx(share_body(f, wrapped), f.a.sign))
    assert json.loads(f.state().audit(f.patient))[-1]["action"] == "data_key_shared"
    # Hospital B can unwrap it itself.
    assert f.b.enc.unwrap(wrapped, context).to_bytes() == f.data_key.to_bytes()


@step("access", after="share")
def test_request_access_and_release(f):
    s = f.state()
    request = fhirbus.request_access(s, "hospital-b", f.b.sign, f.entry_id, "TREAT", f.now())
    decision = json.loads(request.decision)
    assert (decision["permit"], decision["basis"], decision["consent"]) == (True, "consent", CONSENT_ID)
    with fails_with("NOT_ON_LEDGER"):
        fhirbus.custodian_release(s, "hospital-a", request.tx, f.clock)
    f.commit(request.tx, f.clock)
    f.permitted_tx = request.tx
    s = f.state()
    release = json.loads(fhirbus.custodian_release(s, "hospital-a", request.tx, f.now()))
    assert (release["entry"], release["requester"], release["emergency"]) == (f.entry_id.hex(), "hospital-b", False)
    assert release["obligations"]["notifyPatient"] is False
    with fails_with("INVALID_VALUE"):
        fhirbus.custodian_release(s, "hospital-b", request.tx, f.clock)  # not B's entry


@step("open", after="access")
def test_open_the_pointer_and_check_what_was_fetched(f):
    s = f.state()
    assert fhirbus.open_pointer(s, "hospital-b", f.b.enc, f.entry_id) == URL
    fhirbus.check_fetched(s, f.entry_id, RESOURCE)
    # The same resource, written differently (order, white space), is the same resource.
    fhirbus.check_fetched(s, f.entry_id, REORDERED)
    with fails_with("DIGEST_MISMATCH") as info:
        fhirbus.check_fetched(s, f.entry_id, RESOURCE.replace(b"1.00", b"1.01"))
    assert info.value.code == 209
    with fails_with("NO_DATA_KEY_SHARE"):
        fhirbus.open_pointer(s, "registry", f.registry.enc, f.entry_id)
    with fails_with("KEY_ID_MISMATCH"):
        fhirbus.open_pointer(s, "hospital-b", f.registry.enc, f.entry_id)  # B's share, another key


@step("revoke", after="open")
def test_revoke_and_be_denied(f):
    body = {"type": "revoke_consent", "patient": b64(f.patient), "consent_id": CONSENT_ID}
    signed, time = f.tx(body, f.a.sign)
    with fails_with("UNKNOWN_KEY"):
        f.net.submit(signed, time)  # only the patient revokes
    f.commit(*f.tx(body, f.patient_sign))
    s = f.state()
    assert json.loads(s.visible_records("hospital-b", f.patient, "TREAT", f.now())) == []
    request = fhirbus.request_access(s, "hospital-b", f.b.sign, f.entry_id, "TREAT", f.now())
    decision = json.loads(request.decision)
    assert (decision["permit"], decision["basis"]) == (False, "networkDefault")
    f.commit(request.tx, f.clock)  # a denied request is recorded too
    s = f.state()
    for tx in (request.tx, f.permitted_tx):  # the earlier permit no longer releases either
        with fails_with("ACCESS_DENIED") as info:
            fhirbus.custodian_release(s, "hospital-a", tx, f.now())
        assert info.value.code == 500


@step("emergency", after="revoke")
def test_break_the_glass(f):
    request = fhirbus.request_access(f.state(), "hospital-b", f.b.sign, f.entry_id, "ETREAT", f.now())
    decision = json.loads(request.decision)
    assert (decision["permit"], decision["basis"]) == (True, "emergencyPolicy")
    assert decision["obligations"] == {"audit": True, "notifyPatient": True}
    f.commit(request.tx, f.clock)
    s = f.state()
    release = json.loads(fhirbus.custodian_release(s, "hospital-a", request.tx, f.now()))
    assert release["emergency"] is True
    assert release["obligations"] == {"audit": True, "notifyPatient": True}
    assert fhirbus.open_pointer(s, "hospital-b", f.b.enc, f.entry_id) == URL


@step("audit", after="emergency")
def test_audit_trail(f):
    s = f.state()
    trail = json.loads(s.audit(f.patient))
    assert [e["action"] for e in trail] == [
        "patient_enrolled", "record_registered", "consent_granted", "data_key_shared",
        "access_decided", "consent_revoked", "access_decided", "access_decided"]
    access = [e for e in trail if e["action"] == "access_decided"]
    assert [(e["purpose"], e["permitted"], e["emergency"]) for e in access] == [
        ("TREAT", True, False), ("TREAT", False, False), ("ETREAT", True, True)]
    assert all(e["actor"] == "hospital-b" and e["entry"] == f.entry_id.hex() for e in access)
    bundle = json.loads(s.audit_fhir(f.patient))
    assert bundle["resourceType"] == "Bundle" and len(bundle["entry"]) == len(trail)
    flagged = [e["resource"] for e in bundle["entry"] if "110127" in json.dumps(e["resource"])]
    assert len(flagged) == 1 and "ETREAT" in json.dumps(flagged[0])
    assert NATIONAL_ID[1] not in json.dumps(bundle) and "123456789" not in json.dumps(bundle)
    # Hospital B's own actions: the three requests, and the share it received.
    assert len(json.loads(s.org_actions("hospital-b"))) == 4


@step("replay", after="audit")
def test_a_second_host_replays_every_block_to_the_same_state(f):
    light = fhirbus.LedgerState.from_genesis(f.genesis)
    events = [json.loads(light.apply_block(block)) for block in f.blocks]
    assert all(len(e) == 1 for e in events)
    s = f.state()
    assert (light.height(), light.state_root(), light.last_hash()) == (s.height(), s.state_root(), s.last_hash())
    for query in ("records", "consents", "audit"):
        assert getattr(light, query)(f.patient) == getattr(s, query)(f.patient)
    f.light = light


@step("proof", after="replay")
def test_prove_a_record_to_a_light_client(f):
    answer = json.loads(f.state().prove("record", f.entry_id.hex()))
    proof, value = json.dumps(answer["proof"]).encode(), bytes.fromhex(answer["value"])
    root = f.light.state_root()  # the light client trusts only its own root
    assert answer["root"] == root.hex()
    fhirbus.verify_proof(root, proof, value)
    with pytest.raises(fhirbus.FhirbusError.Failed):
        fhirbus.verify_proof(root, proof, bytes(32))
    with pytest.raises(fhirbus.FhirbusError.Failed):
        fhirbus.verify_proof(fhirbus.LedgerState.from_genesis(f.genesis).state_root(), proof, value)
    # The consent too (revoked, still there), and the absence of a member never admitted. An
    # entry never registered has no proof: entries are committed in order, not by id.
    consent = json.loads(f.state().prove("consent", f"{b64(f.patient)}/{CONSENT_ID}"))
    fhirbus.verify_proof(root, json.dumps(consent["proof"]).encode(), bytes.fromhex(consent["value"]))
    absent = json.loads(f.state().prove("member", "never-admitted"))
    fhirbus.verify_absence(root, "member", "never-admitted", json.dumps(absent["proof"]).encode())
    with pytest.raises(fhirbus.FhirbusError.Failed):
        fhirbus.verify_absence(root, "member", "hospital-b", json.dumps(absent["proof"]).encode())
    with pytest.raises(fhirbus.FhirbusError.Failed):
        f.state().prove("record", fhirbus.sha256(b"never registered").hex())


def tampered(block, change):
    doc = json.loads(block)
    change(doc)
    return fhirbus.jcs(json.dumps(doc).encode())


@step("tamper", after="replay")
def test_a_tampered_block_is_refused_and_changes_nothing(f):
    replica = fhirbus.LedgerState.from_genesis(f.genesis)
    for block in f.blocks[:-1]:
        replica.apply_block(block)
    before = (replica.height(), replica.state_root(), replica.last_hash(), replica.audit(f.patient))
    last = f.blocks[-1]

    def purpose(doc):  # the recorded decision no longer matches the consent engine's
        doc["txs"][0]["tx"]["body"]["purpose"] = "TREAT"

    def nonce(doc):  # the transaction no longer matches its signature nor the header's tx root
        doc["txs"][0]["tx"]["nonce"] = b64(bytes(16))

    def root(doc):
        doc["header"]["state_root"] = fhirbus.sha256(b"another state").hex()

    def quorum(doc):
        doc["qc"] = doc["qc"][:2]

    for change, code in ((purpose, "INVALID_VALUE"), (nonce, "BAD_SIGNATURE"), (root, "BAD_SIGNATURE"),
                         (quorum, "BAD_SIGNATURE")):
        bad = tampered(last, change)
        assert bad != last
        with fails_with(code):
            replica.apply_block(bad)
        assert (replica.height(), replica.state_root(), replica.last_hash(), replica.audit(f.patient)) == before
    with pytest.raises(fhirbus.FhirbusError.Failed):
        replica.apply_block(last[:-1])
    replica.apply_block(last)
    assert replica.state_root() == f.light.state_root()
