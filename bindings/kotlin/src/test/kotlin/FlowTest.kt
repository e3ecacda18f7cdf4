// The whole consent, ledger and access flow through the Kotlin bindings only, as a host runs it
// (core/tests/ledger.rs, module consent_on_the_ledger; cli/src/main.rs grant, share_key,
// revoke, access), step for step as bindings/python/tests/test_flow.py: three members and four
// validators, a patient enrolled, a record registered, a consent granted from FHIR R4, a data
// key shared, access requested, released, opened and checked; the consent revoked and access
// denied; the glass broken; the audit trail; a light host that replays every block, checks a
// proof against its own root and refuses a tampered block.
//
// The steps share one network and run in order; a step whose predecessor failed fails at once.
package fhirbus.test

import fhirbus.*

fun flowTests() = Flow().use { it.run() }

class FlowOrg(val name: String) : AutoCloseable {
    val sign = SigningKey.generate()
    val enc = EncryptionKey.generate()
    override fun close() { sign.close(); enc.close() }
}

class Flow : AutoCloseable {
    companion object {
        const val CHAIN = "flow-net"
        val ORGS = listOf("hospital-a", "hospital-b", "registry")
        const val ID_SYSTEM = "urn:oid:2.16.840.1.113883.4.1"
        const val ID_VALUE = "123-45-6789"
        val FETCHED = """{"resourceType":"Observation","id":"o1","status":"final","valueQuantity":{"value":1.00}}""".toByteArray()
        val REORDERED = """{ "valueQuantity": {"value": 1.00}, "status": "final", "id": "o1", "resourceType": "Observation" }""".toByteArray()
        const val POINTER = "https://fhir.hospital-a.example/fhir/Observation/o1/_history/1"
        const val CONSENT_ID = "consent-b-treat"
    }

    private val orgs = ORGS.associateWith { FlowOrg(it) }
    private val a = orgs.getValue("hospital-a")
    private val b = orgs.getValue("hospital-b")
    private val registry = orgs.getValue("registry")
    private val validators = List(4) { SigningKey.generate() }
    private val genesis = ("""{"chain":"$CHAIN","time":$T0,"members":[""" +
        orgs.values.joinToString(",") {
            """{"org":"${it.name}","name":"${it.name}","signingKey":"${b64(it.sign.publicKey())}","encryptionKey":"${b64(it.enc.publicKey())}"}"""
        } +
        """],"council":[${ORGS.joinToString(",") { "\"$it\"" }}],""" +
        """"validators":[${validators.joinToString(",") { "\"${b64(it.publicKey())}\"" }}],""" +
        """"policy":{"allowEmergencyAccess":true,"maxTxAgeMs":600000,"maxClockSkewMs":60000}}""").toByteArray()
    private val net = EmbeddedNetwork(genesis, validators)
    private val blocks = mutableListOf<ByteArray>()
    private val random = java.security.SecureRandom()
    private val done = mutableSetOf<String>()
    private val handles = mutableListOf<AutoCloseable>()
    private var clock = T0

    // What the steps leave for the next ones.
    private var patient = ByteArray(0)
    private lateinit var patientSign: SigningKey
    private var epoch = 0u
    private lateinit var dataKey: DataKey
    private var entry = ByteArray(0)
    private var entryId = ByteArray(0)
    private lateinit var consent: Consent
    private var permittedTx = ByteArray(0)
    private lateinit var light: LedgerState

    private fun <T : AutoCloseable> keep(handle: T): T = handle.also { handles += it }

    private fun now(): ULong {
        clock += 1000uL
        return clock
    }

    /** An envelope around [body] (JSON) at the next instant, signed by [keys]. */
    private fun tx(body: String, vararg keys: SigningKey): Pair<ByteArray, ULong> {
        val time = now()
        val nonce = ByteArray(16).also { random.nextBytes(it) }
        val envelope = """{"v":1,"chain":"$CHAIN","time":$time,"nonce":"${b64(nonce)}","body":$body}"""
        return transactionSign(envelope.toByteArray(), keys.toList()) to time
    }

    /** Submit one signed transaction and order it into a block of its own, kept for replay. */
    private fun commit(signed: Pair<ByteArray, ULong>) {
        eq(32, net.submit(signed.first, signed.second).size, "transaction id length")
        val block = net.produceBlock(now())
        blocks += block
        val height = mutable(jsonMap(block)["header"])["height"]
        state { s -> eq(blocks.size.toLong(), height, "block height"); eq(blocks.size.toULong(), s.height(), "state height") }
    }

    private fun <T> state(body: (LedgerState) -> T): T = net.state().use(body)

    /** A JSON object as [Json.parse] returns it (a LinkedHashMap), for changing. */
    @Suppress("UNCHECKED_CAST")
    private fun mutable(v: Any?): MutableMap<String, Any?> = v as MutableMap<String, Any?>

    private fun step(name: String, after: String?, body: () -> Unit) = test("flow: $name") {
        if (after != null && after !in done) throw AssertionFailed("step '$after' did not complete")
        body()
        done += name
    }

    private fun consentR4(): ByteArray = """{"resourceType":"Consent","id":"$CONSENT_ID","status":"active",
        "scope":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/consentscope","code":"patient-privacy"}]},
        "category":[{"coding":[{"system":"http://loinc.org","code":"59284-0"}]}],
        "patient":{"identifier":{"system":"urn:fhirbus:patient-pseudonym","value":"${b64(patient)}"}},
        "dateTime":"2025-11-24",
        "policyRule":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"OPTIN"}]},
        "provision":{"type":"permit",
          "actor":[{"role":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ParticipationType","code":"PRCP"}]},
                    "reference":{"reference":"Organization/hospital-b"}}],
          "purpose":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActReason","code":"TREAT"}],
          "class":[{"system":"http://hl7.org/fhir/resource-types","code":"Observation"}]}}""".toByteArray()

    /** The consent travels in its canonical encoding, as a JSON object inside the body. */
    private fun grantTx(vararg keys: SigningKey) =
        tx("""{"type":"grant_consent","consent":${String(consent.encode())}}""", *keys)

    private fun shareBody(wrapped: WrappedKey) =
        """{"type":"share_data_key","custodian":"hospital-a","patient":"${b64(patient)}","epoch":$epoch,""" +
            """"recipient":"hospital-b","wrapped":{"kid":"${wrapped.keyId.hex()}","enc":"${b64(wrapped.enc)}","ct":"${b64(wrapped.ciphertext)}"}}"""

    fun run() {
        step("genesis: three members, four validators", null) {
            state { s ->
                eq(0uL, s.height()); eq(CHAIN, s.chain())
                LedgerState.fromGenesis(genesis).use { eq(it.stateRoot(), s.stateRoot(), "genesis root") }
                for (o in orgs.values) {
                    eq(o.name, jsonMap(s.member(o.name))["org"])
                    eq(o.enc.publicKey(), s.memberPrimaryKey(o.name, "encryption"), "${o.name} encryption key")
                    eq(o.sign.publicKey(), s.memberPrimaryKey(o.name, "signing"), "${o.name} signing key")
                }
                failsWith("INVALID_VALUE") { s.memberPrimaryKey("hospital-x", "encryption") }
                failsWith("INVALID_VALUE") { s.memberPrimaryKey("hospital-b", "wrapping") }
            }
            // A quorum of the four (three) runs the network; two do not.
            EmbeddedNetwork(genesis, validators.drop(1)).close()
            failsWith("UNKNOWN_KEY") { EmbeddedNetwork(genesis, validators.take(2)) }
        }

        step("enrol a patient", "genesis: three members, four validators") {
            patient = keep(PseudonymKey.generate()).pseudonym(ID_SYSTEM, ID_VALUE)
            patientSign = keep(SigningKey.generate())
            val patientEnc = keep(EncryptionKey.generate())
            commit(tx("""{"type":"enrol_patient","by":"hospital-a","patient":"${b64(patient)}",""" +
                """"signing_key":"${b64(patientSign.publicKey())}","encryption_key":"${b64(patientEnc.publicKey())}"}""", a.sign))
            state { s ->
                eq(listOf("patient_enrolled"), jsonList(s.audit(patient)).map { it["action"] })
                check(jsonMap(s.prove("patient", b64(patient))).containsKey("value")) { "patient not in the state" }
            }
        }

        step("register a record entry", "enrol a patient") {
            epoch = state { it.dataKeyEpoch(patient, "hospital-a") }
            eq(1u, epoch, "first data key epoch")
            dataKey = keep(DataKey.generate())
            entry = recordEntrySealAndSign("hospital-a", patient, "Observation", fhirDigest(FETCHED), epoch, now(), POINTER, dataKey, a.sign)
            val time = RecordEntry.decode(entry).use { it.verify(a.sign.publicKey()); it.timeMs() }
            commit(transactionRegisterRecord(CHAIN, entry) to time)
            state { s ->
                val records = jsonList(s.records(patient))
                eq(1, records.size)
                eq(jsonOf(entry), records[0]["entry"], "registered entry")
                entryId = hex(records[0].s("id"))
                eq(emptyList<Any?>(), jsonOf(s.visibleRecords("hospital-b", patient, "TREAT", clock)), "visible before consent")
            }
        }

        step("a consent signed by someone other than the patient is refused", "register a record entry") {
            consent = keep(Consent.fromFhir(consentR4(), 4u, patient))
            eq(CONSENT_ID, consent.id()); eq(patient, consent.patient())
            SigningKey.generate().use { stranger ->
                for (signer in listOf(a.sign, b.sign, stranger)) {
                    val (signed, time) = grantTx(signer)
                    eq(300u, failsWith("UNKNOWN_KEY") { net.submit(signed, time) }.code, "code")
                }
            }
            state { eq(emptyList<Any?>(), jsonOf(it.consents(patient))) }
        }

        step("grant a consent", "a consent signed by someone other than the patient is refused") {
            commit(grantTx(patientSign))
            state { s ->
                val consents = jsonList(s.consents(patient))
                eq(listOf(jsonOf(consent.encode())), consents, "consents on the ledger")
                Consent.decode(jcs(toJson(consents[0]).toByteArray())).use { eq(consent.encode(), it.encode()) }
                val visible = jsonList(s.visibleRecords("hospital-b", patient, "TREAT", clock))
                @Suppress("UNCHECKED_CAST")
                eq(listOf(entryId.hex()), visible.map { (it["record"] as Map<String, Any?>)["id"] })
                @Suppress("UNCHECKED_CAST")
                val decision = visible[0]["decision"] as Map<String, Any?>
                eq("consent", decision["basis"]); eq(CONSENT_ID, decision["consent"])
                eq(emptyList<Any?>(), jsonOf(s.visibleRecords("registry", patient, "TREAT", clock)))
                eq(emptyList<Any?>(), jsonOf(s.visibleRecords("hospital-b", patient, "HPAYMT", clock)))
            }
        }

        step("share the data key", "grant a consent") {
            val context = WrapContext(patient, "hospital-a", epoch)
            val (toRegistry, toB) = state { s ->
                wrap(s.memberPrimaryKey("registry", "encryption"), dataKey, context) to
                    wrap(s.memberPrimaryKey("hospital-b", "encryption"), dataKey, context)
            }
            // Wrapped to another member's key, or signed by the recipient: refused.
            tx(shareBody(toRegistry), a.sign).let { (signed, time) -> failsWith("KEY_ID_MISMATCH") { net.submit(signed, time) } }
            tx(shareBody(toB), b.sign).let { (signed, time) -> check(outcome { net.submit(signed, time) } != null) { "shared by B" } }
            commit(tx(shareBody(toB), a.sign))
            state { eq("data_key_shared", jsonList(it.audit(patient)).last()["action"]) }
            b.enc.unwrap(toB, context).use { eq(dataKey.toBytes(), it.toBytes(), "unwrapped data key") }
        }

        step("request access, submit, release", "share the data key") {
            val request = state { s -> requestAccess(s, "hospital-b", b.sign, entryId, "TREAT", now()) }
            val decision = jsonMap(request.decision)
            eq(true, decision["permit"]); eq("consent", decision["basis"]); eq(CONSENT_ID, decision["consent"])
            state { s -> failsWith("NOT_ON_LEDGER") { custodianRelease(s, "hospital-a", request.tx, clock) } }
            commit(request.tx to clock)
            permittedTx = request.tx
            state { s ->
                val release = jsonMap(custodianRelease(s, "hospital-a", request.tx, now()))
                eq(entryId.hex(), release["entry"]); eq("hospital-b", release["requester"]); eq(false, release["emergency"])
                @Suppress("UNCHECKED_CAST")
                eq(false, (release["obligations"] as Map<String, Any?>)["notifyPatient"])
                failsWith("INVALID_VALUE") { custodianRelease(s, "hospital-b", request.tx, clock) } // not B's entry
            }
        }

        step("open the pointer, check what was fetched", "request access, submit, release") {
            state { s ->
                eq(POINTER, openPointer(s, "hospital-b", b.enc, entryId))
                checkFetched(s, entryId, FETCHED)
                checkFetched(s, entryId, REORDERED) // the same resource, written differently
                val tampered = String(FETCHED).replace("1.00", "1.01").toByteArray()
                eq(209u, failsWith("DIGEST_MISMATCH") { checkFetched(s, entryId, tampered) }.code, "code")
                failsWith("NO_DATA_KEY_SHARE") { openPointer(s, "registry", registry.enc, entryId) }
                failsWith("KEY_ID_MISMATCH") { openPointer(s, "hospital-b", registry.enc, entryId) } // B's share, another key
            }
        }

        step("revoke, request again, denied", "open the pointer, check what was fetched") {
            val body = """{"type":"revoke_consent","patient":"${b64(patient)}","consent_id":"$CONSENT_ID"}"""
            tx(body, a.sign).let { (signed, time) -> failsWith("UNKNOWN_KEY") { net.submit(signed, time) } } // only the patient revokes
            commit(tx(body, patientSign))
            val request = state { s ->
                eq(emptyList<Any?>(), jsonOf(s.visibleRecords("hospital-b", patient, "TREAT", now())))
                requestAccess(s, "hospital-b", b.sign, entryId, "TREAT", now())
            }
            val decision = jsonMap(request.decision)
            eq(false, decision["permit"]); eq("networkDefault", decision["basis"])
            commit(request.tx to clock) // a denied request is recorded too
            state { s ->
                for (t in listOf(request.tx, permittedTx)) { // the earlier permit no longer releases either
                    eq(500u, failsWith("ACCESS_DENIED") { custodianRelease(s, "hospital-a", t, now()) }.code, "code")
                }
            }
        }

        step("break the glass", "revoke, request again, denied") {
            val request = state { s -> requestAccess(s, "hospital-b", b.sign, entryId, "ETREAT", now()) }
            val decision = jsonMap(request.decision)
            eq(true, decision["permit"]); eq("emergencyPolicy", decision["basis"])
            eq(mapOf("audit" to true, "notifyPatient" to true), decision["obligations"])
            commit(request.tx to clock)
            state { s ->
                val release = jsonMap(custodianRelease(s, "hospital-a", request.tx, now()))
                eq(true, release["emergency"])
                eq(mapOf("audit" to true, "notifyPatient" to true), release["obligations"])
                eq(POINTER, openPointer(s, "hospital-b", b.enc, entryId))
            }
        }

        step("audit trail, JSON and FHIR", "break the glass") {
            state { s ->
                val trail = jsonList(s.audit(patient))
                eq(listOf("patient_enrolled", "record_registered", "consent_granted", "data_key_shared",
                    "access_decided", "consent_revoked", "access_decided", "access_decided"), trail.map { it["action"] })
                val access = trail.filter { it["action"] == "access_decided" }
                eq(listOf(listOf("TREAT", true, false), listOf("TREAT", false, false), listOf("ETREAT", true, true)),
                    access.map { listOf(it["purpose"], it["permitted"], it["emergency"]) })
                check(access.all { it["actor"] == "hospital-b" && it["entry"] == entryId.hex() }) { "access events" }
                val bundle = jsonMap(s.auditFhir(patient))
                eq("Bundle", bundle["resourceType"])
                @Suppress("UNCHECKED_CAST")
                val resources = (bundle["entry"] as List<Map<String, Any?>>).map { toJson(it["resource"]) }
                eq(trail.size, resources.size, "FHIR events")
                val flagged = resources.filter { "110127" in it }
                eq(1, flagged.size, "events with 110127"); check("ETREAT" in flagged[0]) { flagged[0] }
                val text = toJson(bundle)
                check(ID_VALUE !in text && ID_VALUE.replace("-", "") !in text) { "national id in the audit export" }
                eq(4, jsonList(s.orgActions("hospital-b")).size, "B's actions: three requests, the share it received")
            }
        }

        step("a second host replays every block to the same state", "audit trail, JSON and FHIR") {
            light = keep(LedgerState.fromGenesis(genesis))
            check(blocks.all { jsonList(light.applyBlock(it)).size == 1 }) { "one event per block" }
            state { s ->
                eq(s.height(), light.height()); eq(s.stateRoot(), light.stateRoot(), "state root"); eq(s.lastHash(), light.lastHash())
                eq(s.records(patient), light.records(patient)); eq(s.consents(patient), light.consents(patient))
                eq(s.audit(patient), light.audit(patient))
            }
        }

        step("prove a record to a light client", "a second host replays every block to the same state") {
            val answer = state { jsonMap(it.prove("record", entryId.hex())) }
            val proof = toJson(answer["proof"]).toByteArray()
            val value = hex(answer.s("value"))
            val root = light.stateRoot() // the light client trusts only its own root
            eq(root.hex(), answer["root"])
            verifyProof(root, proof, value)
            check(outcome { verifyProof(root, proof, ByteArray(32)) } != null) { "proof of another value" }
            LedgerState.fromGenesis(genesis).use { g -> check(outcome { verifyProof(g.stateRoot(), proof, value) } != null) { "another root" } }
            // The consent too (revoked, still there), and the absence of a member never admitted.
            // An entry never registered has no proof: entries are committed in order, not by id.
            val c = state { jsonMap(it.prove("consent", "${b64(patient)}/$CONSENT_ID")) }
            verifyProof(root, toJson(c["proof"]).toByteArray(), hex(c.s("value")))
            val absent = state { jsonMap(it.prove("member", "never-admitted")) }
            check(!absent.containsKey("value")) { "value of an absent member" }
            val absentProof = toJson(absent["proof"]).toByteArray()
            verifyAbsence(root, "member", "never-admitted", absentProof)
            failsWith("BAD_SIGNATURE") { verifyAbsence(root, "member", "hospital-b", absentProof) }
            failsWith("INVALID_VALUE") { verifyProof(root, absentProof, null) }
            failsWith("INVALID_VALUE") { state { it.prove("record", sha256("never registered".toByteArray()).hex()) } }
        }

        step("a tampered block is refused and changes nothing", "a second host replays every block to the same state") {
            LedgerState.fromGenesis(genesis).use { replica ->
                blocks.dropLast(1).forEach { replica.applyBlock(it) }
                fun snapshot() = listOf(replica.height().toString(), replica.stateRoot().hex(), replica.lastHash().hex(), String(replica.audit(patient)))
                val before = snapshot()
                val last = blocks.last()
                fun tampered(change: (MutableMap<String, Any?>) -> Unit): ByteArray {
                    val doc = mutable(jsonMap(last))
                    change(doc)
                    return jcs(toJson(doc).toByteArray())
                }
                fun firstTx(doc: MutableMap<String, Any?>) = mutable(mutable((doc["txs"] as List<*>)[0])["tx"])
                val changes = listOf<Pair<String, (MutableMap<String, Any?>) -> Unit>>(
                    // The recorded decision no longer matches the consent engine's.
                    "INVALID_VALUE" to { doc -> mutable(firstTx(doc)["body"])["purpose"] = "TREAT" },
                    // The transaction no longer matches its signature nor the header's tx root.
                    "BAD_SIGNATURE" to { doc -> firstTx(doc)["nonce"] = b64(ByteArray(16)) },
                    "BAD_SIGNATURE" to { doc -> mutable(doc["header"])["state_root"] = sha256("another state".toByteArray()).hex() },
                    "BAD_SIGNATURE" to { doc -> doc["qc"] = (doc["qc"] as List<*>).take(2) },
                )
                for ((code, change) in changes) {
                    val bad = tampered(change)
                    check(!bad.contentEquals(last)) { "tampering changed nothing" }
                    failsWith(code) { replica.applyBlock(bad) }
                    eq(before, snapshot(), "state after a refused block")
                }
                check(outcome { replica.applyBlock(last.copyOf(last.size - 1)) } != null) { "truncated block applied" }
                replica.applyBlock(last)
                eq(light.stateRoot(), replica.stateRoot(), "root after the genuine block")
            }
        }
    }

    override fun close() {
        (handles.asReversed() + net + validators + orgs.values).forEach { it.close() }
    }
}
