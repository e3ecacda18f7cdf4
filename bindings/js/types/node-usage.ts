// Type-checked with `tsc -p types` (scripts/test/wasm-node.sh): the package's declarations as
// a Node user sees them (`import ... from "fhirbus-wasm"`). Lines marked @ts-expect-error must
// fail to type-check: the declarations refuse those calls.
import * as fb from "fhirbus-wasm";
import type {
  AccessRequest,
  AuditBundle,
  AuditEvent,
  ConsentDocument,
  Decision,
  FhirbusError,
  FhirConsent,
  MemberView,
  PointerContext,
  ProofDocument,
  RecordItem,
  Release,
  SealedPointer,
  VisibleRecord,
  WrapContext,
  WrappedKey,
} from "fhirbus-wasm";

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

const version: string = fb.version();
const names: (string | undefined)[] = Array.from(fb.errorCodes(), (c) => fb.errorCodeName(c));
const canonical: Uint8Array = fb.jcs(utf8('{"b":1,"a":2}'));
const digest: Uint8Array = fb.fhirDigest(utf8('{"resourceType":"Basic"}'), 0);

const key: fb.SigningKey = fb.SigningKey.generate();
const sig: Uint8Array = key.sign(6, utf8("message"));
try {
  fb.verify(key.publicKey(), 6, utf8("message"), key.keyId(), sig);
} catch (e) {
  const err = e as FhirbusError;
  const code: number = err.code;
  const name: string = err.codeName;
  void [code, name, err.detail, err.message];
}

const dataKey = fb.DataKey.generate();
const ctx: PointerContext = {
  patient: new Uint8Array(32),
  custodian: "hospital-a",
  resourceType: "Observation",
  digest,
  epoch: 1,
};
const sealed: SealedPointer = dataKey.sealPointer(ctx, "https://fhir.example/Observation/1/_history/1");
const url: string = dataKey.openPointer(ctx, sealed.nonce, sealed.ciphertext);

const encryptionKey = fb.EncryptionKey.fromSecret(new Uint8Array(32).fill(1));
const wctx: WrapContext = { patient: new Uint8Array(32), custodian: "hospital-a", epoch: 1 };
const wrapped: WrappedKey = fb.wrap(encryptionKey.publicKey(), dataKey, wctx);
const unwrapped: fb.DataKey = encryptionKey.unwrap(wctx, wrapped.keyId, wrapped.enc, wrapped.ciphertext);

const pseudonym: Uint8Array = fb.PseudonymKey.generate().pseudonym("urn:oid:1.2.3", "123");
const encoded: Uint8Array = fb.recordEntrySealAndSign("hospital-a", pseudonym, "Observation", digest, 1, 1764000000000n, url, dataKey, key);
const entry = fb.RecordEntry.decode(encoded);
const time: bigint = entry.timeMs;
const epoch: number = entry.epoch;
entry.verify(key.publicKey());
entry.checkResource(utf8('{"resourceType":"Observation"}'));

const keys = new fb.KeySet();
const kid: Uint8Array = keys.rotate(1, key.publicKey(), Date.now());
keys.revoke(kid, 10n);
keys.verify(6, utf8("message"), kid, sig, 5);

// Consent, ledger and access: JSON views come back as plain objects.
const consent: fb.Consent = fb.Consent.fromFhir(utf8('{"resourceType":"Consent"}'), 4, pseudonym);
const fhir: FhirConsent = consent.toFhir(5);
const consentId: string = consent.id;
const again: fb.Consent = fb.Consent.decode(consent.encode());
const decision: Decision = fb.decide([consent, again], "hospital-b", pseudonym, "TREAT", "Observation", 0, true, Date.now());
const permitted: boolean = decision.permit && decision.obligations.notifyPatient;
const network = new fb.EmbeddedNetwork(utf8("{}"), [key]);
const txId: Uint8Array = network.submit(fb.transactionSign(utf8("{}"), [key]), Date.now());
network.submit(fb.transactionRegisterRecord("net", encoded), 1n);
const block: Uint8Array = network.produceBlock(Date.now());
const state: fb.LedgerState = network.state();
const replica = fb.LedgerState.fromGenesis(utf8("{}"));
const events: AuditEvent[] = replica.applyBlock(block);
const height: bigint = state.height;
const root: Uint8Array = state.stateRoot;
const records: RecordItem[] = state.records(pseudonym);
const visible: VisibleRecord[] = state.visibleRecords("hospital-b", pseudonym, "TREAT", 5);
const consents: ConsentDocument[] = state.consents(pseudonym);
const trail: AuditEvent[] = state.audit(pseudonym);
const bundle: AuditBundle = state.auditFhir(pseudonym);
const actions: AuditEvent[] = state.orgActions("hospital-b");
const member: MemberView | null = state.member("hospital-b");
const proof: ProofDocument = state.prove("record", records[0]?.id ?? "");
fb.verifyProof(root, utf8(JSON.stringify(proof.proof)), proof.value === undefined ? null : new Uint8Array(32));
fb.verifyAbsence(root, "member", "never-admitted", utf8(JSON.stringify(state.prove("member", "never-admitted").proof)));
const request: AccessRequest = fb.requestAccess(state, "hospital-b", key, txId, "ETREAT", Date.now());
const url2: string = fb.openPointer(state, "hospital-b", encryptionKey, txId);
fb.checkFetched(state, txId, utf8("{}"));
const release: Release = fb.custodianRelease(state, "hospital-a", request.tx, Date.now());

for (const handle of [key, dataKey, encryptionKey, unwrapped, entry, keys, consent, again, network, state, replica]) handle.free();
{
  using disposed = fb.DataKey.generate();
  void disposed;
}

// @ts-expect-error bytes, not a string
fb.jcs('{"a":1}');
// @ts-expect-error a number, not a string
fb.SigningKey.generate("2");
// @ts-expect-error handles come from the static constructors
new fb.SigningKey();
// @ts-expect-error a context needs every field
dataKey.sealPointer({ patient: new Uint8Array(32), custodian: "a" }, "x");
// @ts-expect-error a DataKey, not its bytes
fb.wrap(encryptionKey.publicKey(), dataKey.toBytes(), wctx);
// @ts-expect-error read-only
entry.custodian = "other";

// @ts-expect-error a list of Consent handles, not their encodings
fb.decide([consent.encode()], "hospital-b", pseudonym, "TREAT", "Observation", 0, true, 1);
// @ts-expect-error allowEmergency is a boolean
fb.decide([], "hospital-b", pseudonym, "TREAT", "Observation", 0, 1, 1);
// @ts-expect-error the kinds of items are named
state.prove("block", "1");
// @ts-expect-error the value is passed, or null, said explicitly
fb.verifyProof(root, utf8("{}"));
// @ts-expect-error the kinds of items are named
fb.verifyAbsence(root, "block", "1", utf8("{}"));
// @ts-expect-error a signing key, not an encryption key
fb.openPointer(state, "hospital-b", key, txId);
// @ts-expect-error read-only
state.height = 1n;

void [version, names, canonical, sealed, unwrapped, time, epoch, fhir, consentId, permitted, events, height, visible, consents, trail, bundle, actions, member, url2, release];
