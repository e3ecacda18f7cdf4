// The shared vectors (bindings/vectors/vectors.json), every one, through the Kotlin bindings.
package fhirbus.test

import fhirbus.*
import java.io.File
import java.util.Base64

fun vectorTests(path: String) {
    @Suppress("UNCHECKED_CAST")
    val v = Json.parse(File(path).readText(Charsets.UTF_8)) as Map<String, Any?>
    val groups = listOf("jcs", "fhir_digest", "canonical_errors", "ecdsa", "pointer", "pseudonym", "record_entry")
    test("vectors: the file has every group, and none this suite does not run") {
        for (group in groups) check(v.objects(group).isNotEmpty()) { "vectors: group $group is empty" }
        eq(1L, v["version"], "vectors version")
        eq(emptySet<String>(), v.keys - groups.toSet() - setOf("version"), "groups not run here")
    }

    v.objects("jcs").forEachIndexed { i, t ->
        test("vectors jcs-$i") { eq(t.s("output").toByteArray(), jcs(t.s("input").toByteArray()), "jcs") }
    }
    v.objects("fhir_digest").forEachIndexed { i, t ->
        test("vectors fhir_digest-$i") {
            val resource = t.s("resource").toByteArray()
            val variant = t.n("variant").toUByte()
            eq(t.b("digest"), fhirDigest(resource, variant), "digest")
            eq(t.b("digest"), sha256(fhirCanonical(resource, variant)), "sha256 of the canonical form")
        }
    }
    v.objects("canonical_errors").forEachIndexed { i, t ->
        test("vectors canonical_errors-$i") {
            val data = t.s("input").toByteArray()
            eq(t.code(), outcome { jcs(data) }, "jcs")
            for (variant in 0..2) {
                eq(t.code(), outcome { fhirCanonical(data, variant.toUByte()) }, "fhir_canonical $variant")
                eq(t.code(), outcome { fhirDigest(data, variant.toUByte()) }, "fhir_digest $variant")
            }
        }
    }
    v.objects("ecdsa").forEachIndexed { i, t ->
        test("vectors ecdsa-$i") {
            val domain = t.n("domain").toUByte()
            eq(t.code(), outcome { verify(t.b("public"), domain, t.b("msg"), t.b("key_id"), t.b("sig")) }, "verify")
            // A key set holding the key decides the same, except that a signature naming
            // another key finds no key of that id there (UNKNOWN_KEY).
            KeySet().use { keys ->
                keys.add(1u, t.b("public"), 10uL)
                val expected = if (t.code() == 207u) 300u else t.code()
                eq(expected, outcome { keys.verify(domain, t.b("msg"), t.b("key_id"), t.b("sig"), 20uL) }, "key set verify")
            }
        }
    }
    v.objects("pointer").forEachIndexed { i, t ->
        test("vectors pointer-$i") {
            val context = PointerContext(t.b("patient"), t.s("custodian"), t.s("resource_type"), t.b("digest"), t.n("epoch").toUInt())
            val sealed = SealedPointer(t.b("nonce"), t.b("ciphertext"))
            for (backend in listOf<UByte>(1u, 2u)) {
                DataKey.fromBytes(t.b("data_key"), backend).use { key ->
                    var opened: String? = null
                    eq(t.code(), outcome { opened = key.openPointer(context, sealed) }, "open_pointer on backend $backend")
                    if (t.code() == null) eq(t.s("pointer"), opened, "pointer")
                }
            }
        }
    }
    v.objects("pseudonym").forEachIndexed { i, t ->
        test("vectors pseudonym-$i") {
            PseudonymKey.fromBytes(t.b("key")).use { key ->
                val p = key.pseudonym(t.s("system"), t.s("value"))
                eq(t.s("pseudonym"), Base64.getUrlEncoder().withoutPadding().encodeToString(p), "pseudonym")
            }
        }
    }
    v.objects("record_entry").forEachIndexed { i, t ->
        test("vectors record_entry-$i") {
            eq(t.code(), outcome {
                RecordEntry.decode(t.s("encoded").toByteArray()).use { entry ->
                    entry.verify(t.b("custodian_public"))
                    RecordEntry.decode(entry.encode()).use { again ->
                        eq(entry.encode(), again.encode(), "re-encoding")
                        eq(entry.keyId(), again.keyId(), "key id")
                    }
                }
            }, "decode and verify")
        }
    }
}
