// Consent, ledger and access (API.md, issues 4 to 6): a small network in process, every query
// and flow step through the Kotlin bindings, and hostile input to each.
package fhirbus.test

import fhirbus.*
import java.io.File
import java.util.Base64

const val T0 = 1_764_000_000_000uL
val LEDGER_PATIENT = ByteArray(32) { 1 }
val OBSERVATION = """{"resourceType":"Observation","id":"o1","status":"final"}""".toByteArray()

fun b64(data: ByteArray): String = Base64.getUrlEncoder().withoutPadding().encodeToString(data)

@Suppress("UNCHECKED_CAST")
fun jsonOf(bytes: ByteArray): Any? = Json.parse(String(bytes, Charsets.UTF_8))

@Suppress("UNCHECKED_CAST")
fun jsonList(bytes: ByteArray): List<Map<String, Any?>> = jsonOf(bytes) as List<Map<String, Any?>>

@Suppress("UNCHECKED_CAST")
fun jsonMap(bytes: ByteArray): Map<String, Any?> = jsonOf(bytes) as Map<String, Any?>

fun ledgerTests(consentDir: String) {
    val a = SigningKey.generate(); val b = SigningKey.generate(); val v = SigningKey.generate()
    val ea = EncryptionKey.generate(); val eb = EncryptionKey.generate()
    fun member(org: String, s: SigningKey, e: EncryptionKey) =
        """{"org":"$org","name":"$org","signingKey":"${b64(s.publicKey())}","encryptionKey":"${b64(e.publicKey())}"}"""
    val genesis = ("""{"chain":"test-net","time":$T0,"members":[${member("hospital-a", a, ea)},${member("hospital-b", b, eb)}],""" +
        """"council":["hospital-a"],"validators":["${b64(v.publicKey())}"],""" +
        """"policy":{"allowEmergencyAccess":true,"maxTxAgeMs":600000,"maxClockSkewMs":60000}}""").toByteArray()
    val net = EmbeddedNetwork(genesis, listOf(v))
    val blocks = mutableListOf<ByteArray>()
    var entryId = ByteArray(0)

    test("ledger: enrol a patient and register a record") {
        SigningKey.generate().use { ps ->
            EncryptionKey.generate().use { pe ->
                val nonce = ByteArray(16).also { java.security.SecureRandom().nextBytes(it) }
                val enrol = """{"v":1,"chain":"test-net","time":${T0 + 10uL},"nonce":"${b64(nonce)}","body":{"type":"enrol_patient",""" +
                    """"by":"hospital-a","patient":"${b64(LEDGER_PATIENT)}","signing_key":"${b64(ps.publicKey())}","encryption_key":"${b64(pe.publicKey())}"}}"""
                val tx = transactionSign(enrol.toByteArray(), listOf(a))
                eq(32, net.submit(tx, T0 + 10uL).size)
                check(outcome { net.submit(tx, T0 + 11uL) } != null) { "the same transaction twice" }
            }
        }
        blocks += net.produceBlock(T0 + 20uL)
        DataKey.generate().use { dk ->
            val entry = recordEntrySealAndSign("hospital-a", LEDGER_PATIENT, "Observation", fhirDigest(OBSERVATION), 1u, T0 + 25uL, URL, dk, a)
            net.submit(transactionRegisterRecord("test-net", entry), T0 + 30uL)
        }
        blocks += net.produceBlock(T0 + 40uL)
        net.state().use { s ->
            eq(2uL, s.height()); eq("test-net", s.chain()); eq(32, s.stateRoot().size); eq(32, s.lastHash().size)
            val records = jsonList(s.records(LEDGER_PATIENT))
            eq(1, records.size)
            entryId = hex(records[0].s("id"))
            eq(emptyList<Any?>(), jsonOf(s.visibleRecords("hospital-b", LEDGER_PATIENT, "TREAT", T0 + 50uL)))
            eq(emptyList<Any?>(), jsonOf(s.consents(LEDGER_PATIENT)))
            eq(listOf("patient_enrolled", "record_registered"), jsonList(s.audit(LEDGER_PATIENT)).map { it["action"] })
            eq("Bundle", jsonMap(s.auditFhir(LEDGER_PATIENT))["resourceType"])
            eq(2, jsonList(s.orgActions("hospital-a")).size)
            check(jsonOf(s.member("hospital-a")) != null); eq(null, jsonOf(s.member("hospital-x")))
            check("height 2" in s.toString()) { s.toString() }
        }
    }

    test("ledger: a light host applies the blocks to the same state") {
        LedgerState.fromGenesis(genesis).use { light ->
            eq(0uL, light.height())
            eq(listOf("patient_enrolled", "record_registered"), blocks.map { jsonList(light.applyBlock(it))[0]["action"] })
            net.state().use { s -> eq(s.stateRoot(), light.stateRoot()); eq(s.lastHash(), light.lastHash()) }
            val root = light.stateRoot()
            check(outcome { light.applyBlock(blocks[1]) } != null) { "replayed block applied" }
            check(outcome { light.applyBlock(blocks[1].copyOf(blocks[1].size - 1)) } != null) { "truncated block applied" }
            eq(2uL, light.height()); eq(root, light.stateRoot())
        }
    }

    test("ledger: proofs") {
        net.state().use { s ->
            val proof = jsonMap(s.prove("record", entryId.hex()))
            val root = hex(proof.s("root")); val value = hex(proof.s("value"))
            // The proof's own JSON, cut out of the answer (the test's reader does not write JSON).
            val text = String(s.prove("record", entryId.hex()))
            val body = text.substring(text.indexOf("\"proof\":") + 8, text.lastIndexOf(",\"root\"")).toByteArray()
            verifyProof(root, body, value)
            check(outcome { verifyProof(root, body, ByteArray(32)) } != null) { "proof of another value" }
            failsWith("INVALID_VALUE") { verifyProof(root, body, null) } // an absence names its item
            failsWith("INVALID_VALUE") { verifyAbsence(root, "record", entryId.hex(), body) }
            failsWith("INVALID_LENGTH") { verifyAbsence(root.copyOf(31), "member", "never-admitted", body) }
            failsWith("INVALID_VALUE") { s.prove("block", "1") }
            failsWith("INVALID_LENGTH") { verifyProof(root.copyOf(31), body, value) }
        }
    }

    test("access: request, release, open, check") {
        var deniedTx = ByteArray(0)
        var emergencyTx = ByteArray(0)
        net.state().use { s ->
            val denied = requestAccess(s, "hospital-b", b, entryId, "TREAT", T0 + 50uL)
            eq(false, jsonMap(denied.decision)["permit"])
            val emergency = requestAccess(s, "hospital-b", b, entryId, "ETREAT", T0 + 50uL)
            eq("emergencyPolicy", jsonMap(emergency.decision)["basis"])
            net.submit(denied.tx, T0 + 50uL); net.submit(emergency.tx, T0 + 51uL)
            deniedTx = denied.tx; emergencyTx = emergency.tx
        }
        net.produceBlock(T0 + 60uL)
        net.state().use { s ->
            failsWith("ACCESS_DENIED") { custodianRelease(s, "hospital-a", deniedTx, T0 + 70uL) }
            failsWith("NOT_ON_LEDGER") { custodianRelease(s, "hospital-a", requestAccessTx(s, b, entryId, "ETREAT"), T0 + 70uL) }
            val release = jsonMap(custodianRelease(s, "hospital-a", emergencyTx, T0 + 70uL))
            eq(true, release["emergency"]); eq(entryId.hex(), release["entry"]); eq("hospital-b", release["requester"])
            failsWith("NO_DATA_KEY_SHARE") { openPointer(s, "hospital-b", eb, entryId) }
            checkFetched(s, entryId, OBSERVATION)
            failsWith("DIGEST_MISMATCH") { checkFetched(s, entryId, String(OBSERVATION).replace("final", "amended").toByteArray()) }
            eq(listOf(false, true), jsonList(s.audit(LEDGER_PATIENT)).takeLast(2).map { it["permitted"] })
        }
    }

    test("ledger: hostile input") {
        net.state().use { s ->
            for (bad in listOf("", "{", "[]", """{"chain":"x"}""")) check(outcome { LedgerState.fromGenesis(bad.toByteArray()) } != null) { bad }
            failsWith("UNKNOWN_KEY") { EmbeddedNetwork(genesis, listOf(a)) }
            for (bad in listOf(ByteArray(0), bytes(0xff), "{}".toByteArray())) check(outcome { net.submit(bad, T0 + 80uL) } != null)
            for (n in listOf(0, 31, 33)) {
                failsWith("INVALID_LENGTH") { s.records(ByteArray(n)) }
                failsWith("INVALID_LENGTH") { checkFetched(s, ByteArray(n), OBSERVATION) }
                failsWith("INVALID_LENGTH") { requestAccess(s, "hospital-b", b, ByteArray(n), "TREAT", T0) }
            }
            failsWith("INVALID_VALUE") { requestAccess(s, "hospital-b", b, entryId, "treat!", T0 + 50uL) }
            failsWith("INVALID_VALUE") { s.visibleRecords("Hospital B", LEDGER_PATIENT, "TREAT", T0) }
            check(outcome { custodianRelease(s, "hospital-a", "not a transaction".toByteArray(), T0) } != null)
            check(outcome { transactionSign("""{"v":1}""".toByteArray(), listOf(a)) } != null)
            check(outcome { transactionRegisterRecord("test-net", "{}".toByteArray()) } != null)
        }
        val closed = LedgerState.fromGenesis(genesis)
        closed.close()
        throws<IllegalStateException> { closed.height() }
        throws<IllegalStateException> { checkFetched(closed, entryId, OBSERVATION) }
        val closedKey = SigningKey.generate()
        closedKey.close()
        throws<IllegalStateException> { transactionSign("{}".toByteArray(), listOf(closedKey)) }
    }

    val files = listOf(4, 5).flatMap { v -> (File(consentDir, "r$v").listFiles() ?: emptyArray()).sorted().map { v to it } }
    test("consent: HL7 examples found") { check(files.size >= 20) { "${files.size} files in $consentDir" } }
    var imported = 0
    for ((version, file) in files) {
        test("consent: HL7 r$version ${file.name}") {
            val consent = try {
                Consent.fromFhir(file.readBytes(), version.toUByte(), LEDGER_PATIENT)
            } catch (e: FhirbusException.Failed) {
                check(e.name == "CONSENT_UNSUPPORTED_ELEMENT" || e.name == "CONSENT_INVALID") { e.message ?: "" }
                return@test
            }
            imported++
            consent.use { c ->
                val encoded = c.encode()
                eq(LEDGER_PATIENT, c.patient()); check(c.id().isNotEmpty())
                Consent.decode(encoded).use { eq(encoded, it.encode()) }
                Consent.fromFhir(c.toFhir(version.toUByte()), version.toUByte(), LEDGER_PATIENT).use { eq(encoded, it.encode()) }
            }
        }
    }
    test("consent: some HL7 examples import") { check(imported >= 2) { "$imported imported" } }

    test("consent: decide") {
        val none = jsonMap(decide(emptyList(), "hospital-b", LEDGER_PATIENT, "TREAT", "Observation", T0, false, T0))
        eq(false, none["permit"]); eq("networkDefault", none["basis"])
        eq("emergencyPolicy", jsonMap(decide(emptyList(), "hospital-b", LEDGER_PATIENT, "ETREAT", "Observation", T0, true, T0))["basis"])
        Consent.fromFhir(File(consentDir, "r4/Consent-consent-example-basic.json").readBytes(), 4u, LEDGER_PATIENT).use { basic ->
            check(jsonMap(decide(listOf(basic), "hospital-b", LEDGER_PATIENT, "TREAT", "Observation", T0, false, T0)).containsKey("permit"))
            for (version in listOf<UByte>(0u, 3u, 6u)) failsWith("INVALID_VALUE") { basic.toFhir(version) }
            failsWith("INVALID_VALUE") { decide(listOf(basic), "hospital-b", LEDGER_PATIENT, "NOPE", "Observation", T0, false, T0) }
            failsWith("INVALID_LENGTH") { Consent.fromFhir(basic.toFhir(4u), 4u, ByteArray(31)) }
            failsWith("INVALID_TEXT") { Consent.fromFhir("""{"resourceType":"Consent","id":"""".toByteArray() + bytes(0xff, 0x22, 0x7d), 4u, LEDGER_PATIENT) }
            for (bad in listOf("", "{", "{}")) check(outcome { Consent.decode(bad.toByteArray()) } != null) { bad }
            basic.close()
            throws<IllegalStateException> { decide(listOf(basic), "hospital-b", LEDGER_PATIENT, "TREAT", "Observation", T0, false, T0) }
        }
    }

    listOf<AutoCloseable>(net, a, b, v, ea, eb).forEach { it.close() }
}

/** A fresh request's transaction, never submitted: no release for it. */
fun requestAccessTx(s: LedgerState, key: SigningKey, entry: ByteArray, purpose: String): ByteArray =
    requestAccess(s, "hospital-b", key, entry, purpose, T0 + 52uL).tx
