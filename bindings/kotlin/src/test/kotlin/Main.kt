// The Kotlin test program (scripts/test/kotlin.sh): java fhirbus.test.MainKt VECTORS_JSON
package fhirbus.test

import kotlin.system.exitProcess

fun main(args: Array<String>) {
    val vectors = args.getOrNull(0) ?: run {
        System.err.println("usage: MainKt bindings/vectors/vectors.json")
        exitProcess(2)
    }
    vectorTests(vectors)
    apiTests()
    hostileTests()
    ledgerTests(args.getOrNull(1) ?: "core/test-data/fhir-consent")
    flowTests()
    test("README example") {
        val printed = java.io.ByteArrayOutputStream()
        val stdout = System.out
        System.setOut(java.io.PrintStream(printed, true))
        try { readmeExample() } finally { System.setOut(stdout) }
        eq("203 BAD_SIGNATURE", printed.toString().trim(), "README output")
    }
    println("kotlin: ${Harness.passed} passed, ${Harness.failed} failed")
    exitProcess(if (Harness.failed == 0 && Harness.passed > 0) 0 else 1)
}
