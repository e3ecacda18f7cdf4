// Hostile input: wrong lengths, invalid UTF-8, bad points, numbers out of range, closed
// objects. Every one ends in an exception, never a crash of the JVM.
package fhirbus.test

import fhirbus.*
import java.nio.charset.CharacterCodingException

val ORDER = hex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551")

fun hostileTests() {
    val key = SigningKey.fromSecret(SECRET)
    val public = key.publicKey()
    val kid = key.keyId()
    val sig = key.sign(6u, bytes(1))

    for (n in listOf(0, 1, 31, 33, 64, 4096)) {
        test("secret and key of $n bytes") {
            val data = ByteArray(n) { 7 }
            failsWith("INVALID_LENGTH") { SigningKey.fromSecret(data) }
            failsWith("INVALID_LENGTH") { EncryptionKey.fromSecret(data) }
            failsWith("INVALID_LENGTH") { DataKey.fromBytes(data) }
            failsWith("INVALID_LENGTH") { PseudonymKey.fromBytes(data) }
        }
    }

    for ((name, secret) in listOf("zero" to ByteArray(32), "order" to ORDER, "max" to ByteArray(32) { -1 })) {
        test("secret scalar out of range: $name") {
            failsWith("INVALID_SECRET_KEY") { SigningKey.fromSecret(secret) }
            failsWith("INVALID_SECRET_KEY") { EncryptionKey.fromSecret(secret) }
        }
    }

    val badPoints = listOf(
        "empty" to ByteArray(0),
        "identity" to bytes(0),
        "zero" to bytes(4) + ByteArray(64),
        "off-curve" to public.copyOf().also { it[64] = (it[64].toInt() xor 1).toByte() },
        "prefix" to bytes(5) + public.copyOfRange(1, 65),
        "x-too-big" to bytes(2) + ByteArray(32) { -1 },
        "truncated" to public.copyOf(33),
        "trailing" to public + bytes(0),
    )
    for ((name, point) in badPoints) {
        test("bad point: $name") {
            failsWith("INVALID_PUBLIC_KEY") { verify(point, 6u, bytes(1), kid, sig) }
            KeySet().use { failsWith("INVALID_PUBLIC_KEY") { it.add(1u, point, 0uL) } }
            KeySet().use { failsWith("INVALID_PUBLIC_KEY") { it.rotate(2u, point, 0uL) } }
            DataKey.generate().use { dk -> failsWith("INVALID_PUBLIC_KEY") { wrap(point, dk, wrapContext()) } }
            SigningKey.generate().use { custodian ->
                DataKey.generate().use { dk ->
                    val encoded = recordEntrySealAndSign("hospital-a", PATIENT, "Basic", DIGEST, 1u, 1uL, URL, dk, custodian)
                    RecordEntry.decode(encoded).use { failsWith("INVALID_PUBLIC_KEY") { it.verify(point) } }
                }
            }
        }
    }

    test("compressed point is accepted") {
        val compressed = bytes(2 + (public[64].toInt() and 1)) + public.copyOfRange(1, 33)
        verify(compressed, 6u, bytes(1), kid, sig)
    }

    test("signature encodings and values") {
        for (n in listOf(0, 1, 63, 65, 128)) failsWith("INVALID_SIGNATURE_ENCODING") { verify(public, 6u, bytes(1), kid, ByteArray(n) { 1 }) }
        for (bad in listOf(ByteArray(64), ORDER + sig.copyOfRange(32, 64), sig.copyOf(32) + ByteArray(32))) {
            failsWith("INVALID_SIGNATURE_ENCODING") { verify(public, 6u, bytes(1), kid, bad) }
        }
        val s = java.math.BigInteger(1, sig.copyOfRange(32, 64))
        val highS = java.math.BigInteger(1, ORDER).subtract(s).toByteArray().takeLast(32).toByteArray()
        failsWith("HIGH_S_SIGNATURE") { verify(public, 6u, bytes(1), kid, sig.copyOf(32) + ByteArray(32 - highS.size) + highS) }
        for (n in listOf(0, 31, 33)) {
            failsWith("INVALID_LENGTH") { verify(public, 6u, bytes(1), ByteArray(n), sig) }
            KeySet().use { failsWith("INVALID_LENGTH") { it.verify(6u, bytes(1), ByteArray(n), sig, 0uL) } }
            KeySet().use { failsWith("INVALID_LENGTH") { it.revoke(ByteArray(n), 0uL) } }
        }
        failsWith("KEY_ID_MISMATCH") { verify(public, 6u, bytes(1), ByteArray(32), sig) }
    }

    test("numbers out of range") {
        for (domain in listOf<UByte>(0u, 7u, 255u)) {
            failsWith("INVALID_VALUE") { key.sign(domain, bytes(1)) }
            failsWith("INVALID_VALUE") { verify(public, domain, bytes(1), kid, sig) }
        }
        for (backend in listOf<UByte>(0u, 3u, 255u)) {
            failsWith("INVALID_VALUE") { SigningKey.generate(backend) }
            failsWith("INVALID_VALUE") { EncryptionKey.generate(backend) }
            failsWith("INVALID_VALUE") { DataKey.generate(backend) }
        }
        for (variant in listOf<UByte>(3u, 255u)) {
            failsWith("INVALID_VALUE") { fhirCanonical("""{"resourceType":"Basic"}""".toByteArray(), variant) }
            failsWith("INVALID_VALUE") { fhirDigest("""{"resourceType":"Basic"}""".toByteArray(), variant) }
        }
        for (purpose in listOf<UByte>(0u, 3u, 255u)) KeySet().use { failsWith("INVALID_VALUE") { it.add(purpose, public, 0uL) } }
    }

    val invalidUtf8 = listOf(
        "ff" to bytes(0xff),
        "bad-continuation" to bytes(0x22, 0xc3, 0x28, 0x22),
        "utf8-surrogate" to """{"resourceType":"Basic","a":"""".toByteArray() + bytes(0xed, 0xa0, 0x80, 0x22, 0x7d),
        "truncated" to """{"resourceType":"Basic","a":"""".toByteArray() + bytes(0xe2, 0x82, 0x22, 0x7d),
    )
    for ((name, data) in invalidUtf8) {
        test("invalid UTF-8 in JSON bytes: $name") {
            failsWith("INVALID_TEXT") { jcs(data) }
            for (variant in 0..2) failsWith("INVALID_TEXT") { fhirCanonical(data, variant.toUByte()) }
        }
    }

    test("invalid UTF-8 in entries and resources") {
        SigningKey.generate().use { custodian ->
            DataKey.generate().use { dk ->
                val resource = """{"resourceType":"Basic","id":"b"}""".toByteArray()
                val encoded = recordEntrySealAndSign("hospital-a", PATIENT, "Basic", fhirDigest(resource), 1u, 5uL, URL, dk, custodian)
                RecordEntry.decode(encoded).use { entry ->
                    failsWith("INVALID_TEXT") { entry.checkResource("""{"resourceType":"Basic","id":"""".toByteArray() + bytes(0xff, 0x22, 0x7d)) }
                }
                val i = String(encoded).indexOf("hospital-a") + "hospital-".length
                val broken = encoded.copyOf().also { it[i] = 0xff.toByte() }
                failsWith("INVALID_TEXT") { RecordEntry.decode(broken) }
            }
        }
    }

    test("strings that are not Unicode never cross") {
        PseudonymKey.generate().use { pk ->
            throws<CharacterCodingException> { pk.pseudonym("urn:oid:1.2.3", "12\uD80034") }
        }
        DataKey.generate().use { dk -> throws<CharacterCodingException> { dk.sealPointer(pointerContext(), "https://x/\uDC00") } }
    }

    test("bad contexts") {
        DataKey.generate().use { dk ->
            val sealed = dk.sealPointer(pointerContext(), URL)
            for ((context, name) in listOf(
                pointerContext(patient = PATIENT.copyOf(31)) to "INVALID_LENGTH",
                pointerContext(digest = DIGEST + bytes(0)) to "INVALID_LENGTH",
                pointerContext(custodian = "Hospital A") to "INVALID_VALUE",
                pointerContext(custodian = "") to "INVALID_VALUE",
                pointerContext(resourceType = "observation") to "INVALID_VALUE",
                pointerContext(resourceType = "Obs\u0000") to "INVALID_VALUE",
            )) {
                failsWith(name) { dk.sealPointer(context, URL) }
                failsWith(name) { dk.openPointer(context, sealed) }
            }
            failsWith("INVALID_LENGTH") { wrap(public, dk, wrapContext(patient = ByteArray(0))) }
            failsWith("INVALID_VALUE") { wrap(public, dk, wrapContext(custodian = "x".repeat(65))) }
        }
    }

    test("sealed and wrapped parts of wrong length") {
        DataKey.generate().use { dk ->
            val sealed = dk.sealPointer(pointerContext(), URL)
            for (nonce in listOf(ByteArray(0), sealed.nonce.copyOf(11), sealed.nonce + bytes(0))) {
                failsWith("INVALID_LENGTH") { dk.openPointer(pointerContext(), SealedPointer(nonce, sealed.ciphertext)) }
            }
            for (ct in listOf(ByteArray(0), sealed.ciphertext.copyOf(15), ByteArray(2065))) {
                failsWith("INVALID_LENGTH") { dk.openPointer(pointerContext(), SealedPointer(sealed.nonce, ct)) }
            }
            EncryptionKey.generate().use { recipient ->
                val w = wrap(recipient.publicKey(), dk, wrapContext())
                for (bad in listOf(w.copy(keyId = w.keyId.copyOf(31)), w.copy(enc = w.enc.copyOf(64)),
                        w.copy(ciphertext = w.ciphertext.copyOf(47)), w.copy(ciphertext = w.ciphertext + bytes(0)))) {
                    failsWith("INVALID_LENGTH") { recipient.unwrap(bad, wrapContext()) }
                }
                val code = outcome { recipient.unwrap(w.copy(enc = bytes(4) + ByteArray(64)), wrapContext()) }
                check(code == 200u || code == 205u) { "bad encapsulated key gave $code" }
            }
        }
    }

    for (size in listOf(0, 1, 8 * 1024 + 1, 1 shl 20)) {
        test("record entry garbage of $size bytes") {
            check(outcome { RecordEntry.decode(ByteArray(size) { '{'.code.toByte() }).close() } != null) { "decoded garbage" }
        }
    }

    test("large inputs") {
        failsWith("TOO_LARGE") { jcs(ByteArray(16 * 1024 * 1024 + 1) { ' '.code.toByte() }) }
        failsWith("TOO_DEEP") { jcs(ByteArray(100_000) { '['.code.toByte() }) }
        eq(32, sha256(ByteArray(8 shl 20)).size)
    }

    test("closed objects refuse every call") {
        val k = SigningKey.generate()
        k.close()
        check(k.uniffiIsDestroyed)
        throws<IllegalStateException> { k.sign(6u, bytes(1)) }
        throws<IllegalStateException> { k.publicKey() }
        k.close() // closing twice is harmless
        val dk = DataKey.generate()
        dk.destroy()
        throws<IllegalStateException> { dk.sealPointer(pointerContext(), URL) }
        SigningKey.generate().use { custodian ->
            throws<IllegalStateException> { recordEntrySealAndSign("hospital-a", PATIENT, "Basic", DIGEST, 1u, 1uL, URL, dk, custodian) }
            throws<IllegalStateException> { wrap(public, dk, wrapContext()) }
        }
        val keys = KeySet()
        keys.close()
        throws<IllegalStateException> { keys.add(1u, public, 0uL) }
        val entryKey = DataKey.generate()
        SigningKey.generate().use { custodian ->
            RecordEntry.decode(recordEntrySealAndSign("hospital-a", PATIENT, "Basic", DIGEST, 1u, 1uL, URL, entryKey, custodian)).use { entry ->
                entryKey.close()
                throws<IllegalStateException> { entry.openPointer(entryKey) }
            }
        }
    }

    test("objects outlive the objects they came from") {
        val recipient = EncryptionKey.generate()
        val dk = DataKey.generate()
        val unwrapped = recipient.unwrap(wrap(recipient.publicKey(), dk, wrapContext()), wrapContext())
        val expected = dk.toBytes()
        recipient.close(); dk.close()
        eq(expected, unwrapped.toBytes())
        unwrapped.close()
    }

    test("many objects created and left to the garbage collector") {
        repeat(5000) { DataKey.fromBytes(ByteArray(32)); KeySet() }
        System.gc()
        repeat(2000) { DataKey.fromBytes(ByteArray(32)).close() }
    }

    key.close()
}
