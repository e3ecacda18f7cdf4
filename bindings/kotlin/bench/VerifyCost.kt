// The cost of crossing the uniffi layer for verify, in Kotlin on the JVM with JNA
// (bindings/uniffi/bench/run.sh). The same key (secret 0x01..0x20), message (bytes 0..127),
// domain 6 and signature (bindings/uniffi/bench/signature.hex) as the direct Rust call in
// bindings/uniffi/examples/verify_cost.rs; the same method: median over 31 batches of 300
// calls, after a warm-up long enough for the JIT.
package fhirbus.bench

import fhirbus.*
import java.io.File

const val BATCHES = 31
const val PER_BATCH = 300

fun medianUs(call: () -> Unit): Double {
    repeat(20 * PER_BATCH) { call() }
    val perCall = DoubleArray(BATCHES) {
        val start = System.nanoTime()
        repeat(PER_BATCH) { call() }
        (System.nanoTime() - start) / 1e3 / PER_BATCH
    }
    perCall.sort()
    return perCall[BATCHES / 2]
}

fun main(args: Array<String>) {
    val hex = File(args[0]).readText().trim()
    val sig = ByteArray(hex.length / 2) { hex.substring(2 * it, 2 * it + 2).toInt(16).toByte() }
    val key = SigningKey.fromSecret(ByteArray(32) { (it + 1).toByte() })
    val public = key.publicKey()
    val kid = key.keyId()
    val msg = ByteArray(128) { it.toByte() }
    verify(public, 6u, msg, kid, sig) // throws if the inputs do not match
    val v = medianUs { verify(public, 6u, msg, kid, sig) }
    val empty = ByteArray(0)
    val s = medianUs { sha256(empty) }
    println("kotlin ${KotlinVersion.CURRENT} on JVM ${System.getProperty("java.version")}, median per call ($BATCHES batches of $PER_BATCH):")
    println("  verify:                %.2f us".format(v))
    println("  sha256(empty):         %.2f us   (a near-empty call: the fixed cost of a crossing)".format(s))
}
