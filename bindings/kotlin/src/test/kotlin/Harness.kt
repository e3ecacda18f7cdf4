// A small test harness (the machines here have the Kotlin compiler and JNA, not JUnit): each
// test is a named block; a failure is recorded and the run goes on; the last line is the plain
// summary "N passed, N failed" and the exit code is non-zero when any test failed.
package fhirbus.test

import fhirbus.FhirbusException
import fhirbus.errorCodeName

class AssertionFailed(message: String) : Exception(message)

object Harness {
    var passed = 0
    var failed = 0
    val failures = mutableListOf<String>()
    private val verbose = System.getenv("FHIRBUS_TEST_VERBOSE") != null

    fun test(name: String, body: () -> Unit) {
        if (verbose) println("run  $name")
        try {
            body()
            passed++
        } catch (e: Throwable) {
            failed++
            failures += "$name: ${e::class.simpleName}: ${e.message}"
            println("FAIL $name: ${e::class.simpleName}: ${e.message}")
        }
    }
}

fun test(name: String, body: () -> Unit) = Harness.test(name, body)

fun check(condition: Boolean, message: () -> String = { "check failed" }) {
    if (!condition) throw AssertionFailed(message())
}

fun <T> eq(expected: T, actual: T, what: String = "value") {
    val same = if (expected is ByteArray && actual is ByteArray) expected.contentEquals(actual) else expected == actual
    if (!same) throw AssertionFailed("$what: expected ${show(expected)}, got ${show(actual)}")
}

private fun show(v: Any?): String = if (v is ByteArray) v.hex() else v.toString()

/** The code number of the failure of [block], or null when it succeeds. */
fun outcome(block: () -> Unit): UInt? = try {
    block()
    null
} catch (e: FhirbusException.Failed) {
    eq(e.name, errorCodeName(e.code), "name of code ${e.code}")
    e.code
}

/** [block] fails with the error named [name] (and its number and name agree). */
fun failsWith(name: String, block: () -> Unit): FhirbusException.Failed {
    try {
        block()
    } catch (e: FhirbusException.Failed) {
        if (e.name != name) throw AssertionFailed("expected $name, got ${e.name} (${e.code}): ${e.detail}")
        eq(name, errorCodeName(e.code), "name of code ${e.code}")
        return e
    }
    throw AssertionFailed("expected $name, but the call succeeded")
}

/** [block] throws an exception of type [T] (not a FhirbusException, not a crash). */
inline fun <reified T : Throwable> throws(block: () -> Unit): T {
    try {
        block()
    } catch (e: Throwable) {
        if (e is T) return e
        throw AssertionFailed("expected ${T::class.simpleName}, got ${e::class.simpleName}: ${e.message}")
    }
    throw AssertionFailed("expected ${T::class.simpleName}, but the call succeeded")
}

fun ByteArray.hex(): String = joinToString("") { "%02x".format(it) }

fun hex(text: String): ByteArray {
    require(text.length % 2 == 0) { "odd hex length" }
    return ByteArray(text.length / 2) { text.substring(2 * it, 2 * it + 2).toInt(16).toByte() }
}

fun bytes(vararg values: Int) = ByteArray(values.size) { values[it].toByte() }
