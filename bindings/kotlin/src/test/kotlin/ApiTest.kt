// Every operation of bindings/API.md, used as a Kotlin host would, on both backends.
package fhirbus.test

import fhirbus.*

val PATIENT = ByteArray(32) { 0x44 }
val DIGEST = ByteArray(32) { it.toByte() }
val SECRET = ByteArray(32) { (it + 1).toByte() }
const val URL = "https://fhir.hospital-a.example/Observation/123/_history/4"
val RESOURCE = """{"resourceType":"Observation","id":"o1","status":"final","valueQuantity":{"value":1.00}}""".toByteArray()

fun pointerContext(
    patient: ByteArray = PATIENT, custodian: String = "hospital-a", resourceType: String = "Observation",
    digest: ByteArray = DIGEST, epoch: UInt = 1u,
) = PointerContext(patient, custodian, resourceType, digest, epoch)

fun wrapContext(patient: ByteArray = PATIENT, custodian: String = "hospital-a", epoch: UInt = 1u) =
    WrapContext(patient, custodian, epoch)

val BACKENDS: List<UByte?> = listOf(null, 1u, 2u)

fun apiTests() {
    test("version and error table") {
        eq("0.1.0", version())
        val codes = errorCodes()
        eq(codes.sorted(), codes, "sorted")
        check(listOf(100u, 109u, 203u, 205u, 300u, 999u).all { it in codes })
        for (code in codes) {
            val name = errorCodeName(code) ?: throw AssertionFailed("no name for $code")
            eq("$name ($code)", errorCodeDescription(code))
        }
        eq("BAD_SIGNATURE", errorCodeName(203u))
        for (missing in listOf(0u, 7u, 998u, UInt.MAX_VALUE)) {
            eq(null, errorCodeName(missing)); eq(null, errorCodeDescription(missing))
        }
    }

    test("error carries code, name and detail") {
        val e = throws<FhirbusException> { SigningKey.fromSecret(bytes(1, 2, 3)) }
        check(e is FhirbusException.Failed)
        val f = e as FhirbusException.Failed
        eq(109u, f.code); eq("INVALID_LENGTH", f.name)
        check("32 bytes" in f.detail) { f.detail }
        check("INVALID_LENGTH" in (f.message ?: "")) { f.message ?: "" }
    }

    test("canonical forms and digests") {
        eq("""{"a":[true,null],"b":1}""".toByteArray(), jcs(""" {"b": 1, "a": [true, null]} """.toByteArray()))
        eq(fhirCanonical(RESOURCE, 0u), fhirCanonical(RESOURCE))
        check("1.00" in String(fhirCanonical(RESOURCE)))
        val withText = """{"resourceType":"Basic","text":{"div":"x"},"meta":{"versionId":"2"},"id":"b"}""".toByteArray()
        eq("""{"id":"b","meta":{"versionId":"2"},"resourceType":"Basic"}""", String(fhirCanonical(withText, 1u)))
        eq("""{"id":"b","resourceType":"Basic"}""", String(fhirCanonical(withText, 2u)))
        for (variant in 0..2) eq(sha256(fhirCanonical(withText, variant.toUByte())), fhirDigest(withText, variant.toUByte()))
        eq("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", sha256("abc".toByteArray()).hex())
    }

    for (backend in BACKENDS) {
        test("signing key round trip, backend $backend") {
            SigningKey.generate(backend).use { key ->
                val public = key.publicKey(); val kid = key.keyId()
                eq(65, public.size); eq(4.toByte(), public[0]); eq(32, kid.size); eq(32, key.secretBytes().size)
                SigningKey.fromSecret(key.secretBytes(), backend).use { again ->
                    eq(public, again.publicKey()); eq(kid, again.keyId())
                }
                for (domain in 1..6) {
                    val sig = key.sign(domain.toUByte(), "message".toByteArray())
                    eq(64, sig.size)
                    verify(public, domain.toUByte(), "message".toByteArray(), kid, sig)
                    val other = (1 + domain % 6).toUByte()
                    failsWith("BAD_SIGNATURE") { verify(public, other, "message".toByteArray(), kid, sig) }
                }
            }
        }
        test("data key seals and opens pointers, backend $backend") {
            DataKey.generate(backend).use { key ->
                eq(32, key.toBytes().size)
                val sealed = key.sealPointer(pointerContext(), URL)
                eq(12, sealed.nonce.size); eq(URL.length + 16, sealed.ciphertext.size)
                eq(URL, key.openPointer(pointerContext(), sealed))
                DataKey.fromBytes(key.toBytes(), if (backend == 1.toUByte()) 2u else 1u).use { copy ->
                    eq(URL, copy.openPointer(pointerContext(), sealed))
                }
                check(!key.sealPointer(pointerContext(), URL).nonce.contentEquals(sealed.nonce)) { "nonce reused" }
                for (moved in listOf(pointerContext(epoch = 2u), pointerContext(custodian = "hospital-b"),
                        pointerContext(resourceType = "Patient"), pointerContext(digest = ByteArray(32)),
                        pointerContext(patient = ByteArray(32)))) {
                    failsWith("DECRYPTION_FAILED") { key.openPointer(moved, sealed) }
                }
                val tampered = sealed.ciphertext.copyOf().also { it[0] = (it[0].toInt() xor 1).toByte() }
                failsWith("DECRYPTION_FAILED") { key.openPointer(pointerContext(), SealedPointer(sealed.nonce, tampered)) }
                failsWith("TOO_LARGE") { key.sealPointer(pointerContext(), "x".repeat(2049)) }
            }
        }
        test("encryption key wraps and unwraps, backend $backend") {
            EncryptionKey.generate(backend).use { recipient ->
                eq(65, recipient.publicKey().size); eq(32, recipient.keyId().size)
                EncryptionKey.fromSecret(recipient.secretBytes(), backend).use { eq(recipient.keyId(), it.keyId()) }
                DataKey.generate().use { dataKey ->
                    val wrapped = wrap(recipient.publicKey(), dataKey, wrapContext())
                    eq(recipient.keyId(), wrapped.keyId); eq(65, wrapped.enc.size); eq(48, wrapped.ciphertext.size)
                    recipient.unwrap(wrapped, wrapContext()).use { eq(dataKey.toBytes(), it.toBytes()) }
                    failsWith("DECRYPTION_FAILED") { recipient.unwrap(wrapped, wrapContext(epoch = 2u)) }
                    EncryptionKey.generate().use { other -> failsWith("KEY_ID_MISMATCH") { other.unwrap(wrapped, wrapContext()) } }
                }
            }
        }
    }

    test("fixed key is deterministic and its text redacted") {
        SigningKey.fromSecret(SECRET).use { key ->
            eq(SECRET, key.secretBytes())
            check(key.keyId().hex() in key.toString()) { key.toString() }
            check(SECRET.hex() !in key.toString() && "redacted" in key.toString()) { key.toString() }
        }
    }

    test("DER signatures") {
        SigningKey.fromSecret(SECRET).use { key ->
            val sig = key.sign(6u, bytes(1))
            fun derInt(x: ByteArray): ByteArray {
                var v = x.dropWhile { it == 0.toByte() }.toByteArray()
                if (v.isEmpty() || v[0] < 0) v = bytes(0) + v
                return bytes(2, v.size) + v
            }
            val body = derInt(sig.copyOfRange(0, 32)) + derInt(sig.copyOfRange(32, 64))
            val der = bytes(0x30, body.size) + body
            eq(sig, signatureFromDer(der))
            verify(key.publicKey(), 6u, bytes(1), key.keyId(), der)
            failsWith("INVALID_SIGNATURE_ENCODING") { signatureFromDer(der.copyOf(der.size - 1)) }
        }
    }

    test("pseudonyms") {
        PseudonymKey.generate().use { key ->
            eq(32, key.toBytes().size)
            val system = "urn:oid:2.16.840.1.113883.2.4.6.3"
            val p = key.pseudonym(system, "123-45-678")
            eq(32, p.size); eq(p, key.pseudonym(system, " 12345678 "))
            PseudonymKey.fromBytes(key.toBytes()).use { eq(p, it.pseudonym(system, "12345678")) }
            val e = failsWith("INVALID_VALUE") { key.pseudonym(system, "12345*678") }
            check("12345" !in (e.message ?: "")) { "identifier in the error" }
        }
    }

    test("record entry: seal, sign, decode, verify, open, check") {
        SigningKey.generate().use { custodian ->
            DataKey.generate().use { dataKey ->
                val digest = fhirDigest(RESOURCE)
                val encoded = recordEntrySealAndSign("hospital-a", PATIENT, "Observation", digest, 3u, 1_764_000_000_000uL, URL, dataKey, custodian)
                RecordEntry.decode(encoded).use { entry ->
                    eq(encoded, entry.encode())
                    eq("hospital-a", entry.custodian()); eq(PATIENT, entry.patient()); eq("Observation", entry.resourceType())
                    eq(digest, entry.digest()); eq(3u, entry.epoch()); eq(1_764_000_000_000uL, entry.timeMs())
                    eq(custodian.keyId(), entry.keyId()); eq(64, entry.signature().size)
                    entry.verify(custodian.publicKey())
                    SigningKey.generate().use { other -> failsWith("KEY_ID_MISMATCH") { entry.verify(other.publicKey()) } }
                    eq(URL, entry.openPointer(dataKey))
                    DataKey.generate().use { other -> failsWith("DECRYPTION_FAILED") { entry.openPointer(other) } }
                    entry.checkResource(RESOURCE)
                    failsWith("DIGEST_MISMATCH") { entry.checkResource(String(RESOURCE).replace("1.00", "1.0").toByteArray()) }
                    // Against the custodian's key set, at the time the entry claims.
                    KeySet().use { keys ->
                        failsWith("UNKNOWN_KEY") { entry.verifyWithKeySet(keys) }
                        val kid = keys.rotate(1u, custodian.publicKey(), 1_000uL)
                        entry.verifyWithKeySet(keys)
                        keys.revoke(kid, 1_764_000_000_000uL)
                        failsWith("KEY_REVOKED") { entry.verifyWithKeySet(keys) }
                    }
                }
            }
        }
    }

    test("key set rotation and revocation") {
        SigningKey.generate().use { old ->
            SigningKey.generate().use { new ->
                KeySet().use { keys ->
                    val oldId = keys.rotate(1u, old.publicKey(), 10uL)
                    val sig = old.sign(6u, bytes(1))
                    eq(new.keyId(), keys.rotate(1u, new.publicKey(), 20uL))
                    keys.verify(6u, bytes(1), oldId, sig, 25uL)
                    keys.revoke(oldId, 100uL)
                    keys.verify(6u, bytes(1), oldId, sig, 99uL)
                    failsWith("KEY_REVOKED") { keys.verify(6u, bytes(1), oldId, sig, 100uL) }
                    failsWith("KEY_NOT_YET_VALID") { keys.verify(6u, bytes(1), oldId, sig, 9uL) }
                    failsWith("KEY_REVOKED") { keys.promote(oldId) }
                    keys.promote(new.keyId())
                    failsWith("UNKNOWN_KEY") { keys.promote(ByteArray(32)) }
                    failsWith("INVALID_LENGTH") { keys.promote(ByteArray(31)) }
                    failsWith("DUPLICATE_KEY_ID") { keys.add(1u, old.publicKey(), 200uL) }
                    failsWith("UNKNOWN_KEY") { keys.revoke(ByteArray(32), 1uL) }
                    EncryptionKey.generate().use { enc ->
                        val encId = keys.add(2u, enc.publicKey(), 10uL)
                        eq(enc.keyId(), encId)
                        failsWith("WRONG_KEY_PURPOSE") { keys.verify(6u, bytes(1), encId, sig, 50uL) }
                    }
                    check("KeySet" in keys.toString()) { keys.toString() }
                }
            }
        }
    }

    test("key set shared between threads") {
        KeySet().use { keys ->
            val errors = java.util.Collections.synchronizedList(mutableListOf<Throwable>())
            val threads = (0 until 8).map {
                Thread {
                    try {
                        SigningKey.generate().use { key ->
                            val kid = keys.add(1u, key.publicKey(), 5uL)
                            repeat(20) { i -> keys.verify(6u, bytes(i), kid, key.sign(6u, bytes(i)), 10uL) }
                        }
                    } catch (e: Throwable) { errors += e }
                }
            }
            threads.forEach { it.start() }; threads.forEach { it.join() }
            eq(0, errors.size, "errors ${errors.firstOrNull()}")
        }
    }
}
