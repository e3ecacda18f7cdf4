"""Checks the generated Swift bindings without a Swift compiler (none can be had here).

    python3 bindings/swift/check_generated.py OUT_DIR LIBRARY

1. The three files exist (Fhirbus.swift, FhirbusFFI.h, FhirbusFFI.modulemap).
2. Fhirbus.swift declares the whole binding surface of bindings/API.md with the expected Swift
   signatures (compared with all white space removed, so formatting does not matter).
3. Every C function the header declares is exported by the library (so it would link).
4. The contract version and every API checksum the Swift code checks at load time equal what
   the library returns (called here through ctypes): the Swift file matches this library.

This proves the generation and its match with the library, not that Swift compiles it.
"""

import ctypes
import re
import subprocess
import sys
from pathlib import Path

out, library = Path(sys.argv[1]), sys.argv[2]
swift_file, header, modulemap = out / "Fhirbus.swift", out / "FhirbusFFI.h", out / "FhirbusFFI.modulemap"
problems = []
for f in (swift_file, header, modulemap):
    if not f.is_file() or f.stat().st_size == 0:
        problems.append(f"missing or empty: {f}")
if problems:
    sys.exit("\n".join(problems))

swift = swift_file.read_text(encoding="utf-8")
flat = re.sub(r"/\*.*?\*/", "", swift, flags=re.S)  # doc comments sit inside signatures
flat = re.sub(r"\s+", "", flat)

EXPECTED = [
    # meta
    "public func version() -> String",
    "public func errorCodeName(code: UInt32) -> String?",
    "public func errorCodeDescription(code: UInt32) -> String?",
    "public func errorCodes() -> [UInt32]",
    "enum FhirbusError: Swift.Error",
    "case Failed(code: UInt32, name: String, detail: String)",
    # canonical and digest
    "public func jcs(json: Data) throws -> Data",
    "public func fhirCanonical(json: Data, variant: UInt8 = UInt8(0)) throws -> Data",
    "public func fhirDigest(json: Data, variant: UInt8 = UInt8(0)) throws -> Data",
    "public func sha256(data: Data) -> Data",
    # signing
    "open class SigningKey:",
    "public static func generate(backend: UInt8? = nil) throws -> SigningKey",
    "public static func fromSecret(secret: Data, backend: UInt8? = nil) throws -> SigningKey",
    "open func secretBytes() -> Data",
    "open func publicKey() -> Data",
    "open func keyId() -> Data",
    "open func sign(domain: UInt8, msg: Data) throws -> Data",
    "public func verify(publicSec1: Data, domain: UInt8, msg: Data, keyId: Data, sig: Data) throws",
    "public func signatureFromDer(der: Data) throws -> Data",
    # pointers
    "public struct PointerContext:",
    "public var patient: Data", "public var custodian: String", "public var resourceType: String",
    "public var digest: Data", "public var epoch: UInt32",
    "public struct SealedPointer:", "public var nonce: Data", "public var ciphertext: Data",
    "open class DataKey:",
    "public static func generate(backend: UInt8? = nil) throws -> DataKey",
    "public static func fromBytes(key: Data, backend: UInt8? = nil) throws -> DataKey",
    "open func toBytes() -> Data",
    "open func sealPointer(context: PointerContext, pointer: String) throws -> SealedPointer",
    "open func openPointer(context: PointerContext, sealed: SealedPointer) throws -> String",
    # wrapping
    "public struct WrapContext:", "public struct WrappedKey:", "public var keyId: Data", "public var enc: Data",
    "open class EncryptionKey:",
    "public static func generate(backend: UInt8? = nil) throws -> EncryptionKey",
    "public static func fromSecret(secret: Data, backend: UInt8? = nil) throws -> EncryptionKey",
    "open func unwrap(wrapped: WrappedKey, context: WrapContext) throws -> DataKey",
    "public func wrap(recipientPublic: Data, dataKey: DataKey, context: WrapContext) throws -> WrappedKey",
    # pseudonyms
    "open class PseudonymKey:",
    "public static func generate() throws -> PseudonymKey",
    "public static func fromBytes(key: Data) throws -> PseudonymKey",
    "open func pseudonym(system: String, value: String) throws -> Data",
    # record entries
    "public func recordEntrySealAndSign(custodian: String, patient: Data, resourceType: String, digest: Data, "
    "epoch: UInt32, timeMs: UInt64, pointerUrl: String, dataKey: DataKey, signingKey: SigningKey) throws -> Data",
    "open class RecordEntry:",
    "public static func decode(bytes: Data) throws -> RecordEntry",
    "open func encode() throws -> Data",
    "open func custodian() -> String", "open func patient() -> Data", "open func resourceType() -> String",
    "open func digest() -> Data", "open func epoch() -> UInt32", "open func timeMs() -> UInt64",
    "open func keyId() -> Data", "open func signature() -> Data",
    "open func verify(publicSec1: Data) throws",
    "open func verifyWithKeySet(keySet: KeySet) throws",
    "open func openPointer(dataKey: DataKey) throws -> String",
    "open func checkResource(json: Data) throws",
    # key sets
    "open class KeySet:",
    "public convenience init()",
    "open func add(purpose: UInt8, publicSec1: Data, atMs: UInt64) throws -> Data",
    "open func rotate(purpose: UInt8, publicSec1: Data, atMs: UInt64) throws -> Data",
    "open func promote(keyId: Data) throws",
    "open func revoke(keyId: Data, atMs: UInt64) throws",
    "open func verify(domain: UInt8, msg: Data, keyId: Data, sig: Data, claimedMs: UInt64) throws",
    # consent
    "open class Consent:",
    "public static func fromFhir(json: Data, version: UInt8, patient: Data) throws -> Consent",
    "public static func decode(bytes: Data) throws -> Consent",
    "open func toFhir(version: UInt8) throws -> Data",
    "open func id() -> String",
    "public func decide(consents: [Consent], requester: String, patient: Data, purpose: String, resourceType: String, "
    "dataDateMs: UInt64, allowEmergency: Bool, nowMs: UInt64) throws -> Data",
    # ledger
    "open class LedgerState:",
    "public static func fromGenesis(genesis: Data) throws -> LedgerState",
    "open func applyBlock(block: Data) throws -> Data",
    "open func height() throws -> UInt64",
    "open func stateRoot() throws -> Data",
    "open func lastHash() throws -> Data",
    "open func chain() throws -> String",
    "open func records(patient: Data) throws -> Data",
    "open func visibleRecords(requester: String, patient: Data, purpose: String, nowMs: UInt64) throws -> Data",
    "open func consents(patient: Data) throws -> Data",
    "open func audit(patient: Data) throws -> Data",
    "open func auditFhir(patient: Data) throws -> Data",
    "open func orgActions(org: String) throws -> Data",
    "open func member(org: String) throws -> Data",
    "open func memberPrimaryKey(org: String, purpose: String) throws -> Data",
    "open func dataKeyEpoch(patient: Data, custodian: String) throws -> UInt32",
    "open func prove(kind: String, id: String) throws -> Data",
    "public func verifyProof(root: Data, proof: Data, value: Data?) throws",
    "public func verifyAbsence(root: Data, kind: String, id: String, proof: Data) throws",
    "public func transactionSign(tx: Data, keys: [SigningKey]) throws -> Data",
    "public func transactionRegisterRecord(chain: String, entry: Data) throws -> Data",
    "open class EmbeddedNetwork:",
    "public convenience init(genesis: Data, validators: [SigningKey]) throws",
    "open func submit(tx: Data, nowMs: UInt64) throws -> Data",
    "open func produceBlock(nowMs: UInt64) throws -> Data",
    "open func state() throws -> LedgerState",
    # access
    "public struct AccessRequest:", "public var tx: Data", "public var decision: Data",
    "public func requestAccess(state: LedgerState, requester: String, signingKey: SigningKey, entry: Data, purpose: String, "
    "nowMs: UInt64) throws -> AccessRequest",
    "public func openPointer(state: LedgerState, requester: String, encryptionKey: EncryptionKey, entry: Data) throws -> String",
    "public func checkFetched(state: LedgerState, entry: Data, resource: Data) throws",
    "public func custodianRelease(state: LedgerState, custodian: String, request: Data, nowMs: UInt64) throws -> Data",
]
for decl in EXPECTED:
    if re.sub(r"\s+", "", decl) not in flat:
        problems.append(f"Fhirbus.swift does not declare: {decl}")

if "module FhirbusFFI" not in modulemap.read_text(encoding="utf-8"):
    problems.append("FhirbusFFI.modulemap does not define module FhirbusFFI")

exported = set(subprocess.run(["nm", "-D", "--defined-only", library], check=True, capture_output=True, text=True)
               .stdout.split())
declared = set(re.findall(r"\b((?:uniffi|ffi)_fhirbus_uniffi_\w+)\s*\(", header.read_text(encoding="utf-8")))
if not declared:
    problems.append("FhirbusFFI.h declares no functions")
for name in sorted(declared - exported):
    problems.append(f"FhirbusFFI.h declares {name}, which the library does not export")

lib = ctypes.CDLL(library)
checks = re.findall(r"if \((uniffi_fhirbus_uniffi_checksum_\w+)\(\) != (\d+)\)", swift)
if len(checks) < 40:
    problems.append(f"only {len(checks)} API checksums in Fhirbus.swift")
for name, value in checks:
    fn = getattr(lib, name)
    fn.restype = ctypes.c_uint16
    if fn() != int(value):
        problems.append(f"{name}: Swift expects {value}, the library returns {fn()}")
contract = re.search(r"let bindings_contract_version = (\d+)", swift)
version_fn = lib.ffi_fhirbus_uniffi_uniffi_contract_version
version_fn.restype = ctypes.c_uint32
if not contract or int(contract.group(1)) != version_fn():
    problems.append("the Swift contract version differs from the library's")

if problems:
    sys.exit("\n".join(problems))
print(f"swift: {len(EXPECTED)} declarations, {len(declared)} C functions, {len(checks)} checksums checked "
      "(generated only: no Swift compiler on this machine)")
