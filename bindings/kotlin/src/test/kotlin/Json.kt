// A minimal JSON reader for the shared vectors file and the library's JSON answers (the JDK
// has none; the tests take no dependency beyond the Kotlin standard library and JNA), and its
// writer. Objects are maps, arrays lists, numbers Long (the vectors hold only integers),
// strings String, null null.
package fhirbus.test

class Json private constructor(private val text: String) {
    private var pos = 0

    companion object {
        fun parse(text: String): Any? {
            val p = Json(text)
            p.ws()
            val v = p.value()
            p.ws()
            if (p.pos != text.length) p.fail("trailing text")
            return v
        }
    }

    private fun fail(why: String): Nothing = throw IllegalArgumentException("JSON: $why at $pos")

    private fun ws() {
        while (pos < text.length && text[pos] in " \t\r\n") pos++
    }

    private fun value(): Any? = when (val c = text.getOrNull(pos) ?: fail("end of input")) {
        '{' -> obj()
        '[' -> arr()
        '"' -> str()
        't' -> word("true", true)
        'f' -> word("false", false)
        'n' -> word("null", null)
        else -> if (c == '-' || c.isDigit()) num() else fail("unexpected '$c'")
    }

    private fun word(w: String, v: Any?): Any? {
        if (!text.startsWith(w, pos)) fail("expected $w")
        pos += w.length
        return v
    }

    private fun num(): Long {
        val start = pos
        if (text[pos] == '-') pos++
        while (pos < text.length && text[pos].isDigit()) pos++
        if (pos < text.length && text[pos] in ".eE") fail("only integers are expected")
        return text.substring(start, pos).toLong()
    }

    private fun str(): String {
        pos++ // opening quote
        val out = StringBuilder()
        while (true) {
            val c = text.getOrNull(pos++) ?: fail("unterminated string")
            when (c) {
                '"' -> return out.toString()
                '\\' -> when (val e = text.getOrNull(pos++) ?: fail("unterminated escape")) {
                    '"', '\\', '/' -> out.append(e)
                    'b' -> out.append('\b')
                    'f' -> out.append('\u000c')
                    'n' -> out.append('\n')
                    'r' -> out.append('\r')
                    't' -> out.append('\t')
                    'u' -> {
                        if (pos + 4 > text.length) fail("short \\u escape")
                        out.append(text.substring(pos, pos + 4).toInt(16).toChar())
                        pos += 4
                    }
                    else -> fail("bad escape \\$e")
                }
                else -> out.append(c)
            }
        }
    }

    private fun arr(): List<Any?> {
        pos++
        val out = mutableListOf<Any?>()
        ws()
        if (text.getOrNull(pos) == ']') { pos++; return out }
        while (true) {
            ws(); out += value(); ws()
            when (text.getOrNull(pos++)) {
                ',' -> continue
                ']' -> return out
                else -> fail("expected , or ]")
            }
        }
    }

    private fun obj(): Map<String, Any?> {
        pos++
        val out = linkedMapOf<String, Any?>()
        ws()
        if (text.getOrNull(pos) == '}') { pos++; return out }
        while (true) {
            ws()
            if (text.getOrNull(pos) != '"') fail("expected a key")
            val k = str()
            ws()
            if (text.getOrNull(pos++) != ':') fail("expected :")
            ws(); out[k] = value(); ws()
            when (text.getOrNull(pos++)) {
                ',' -> continue
                '}' -> return out
                else -> fail("expected , or }")
            }
        }
    }
}

@Suppress("UNCHECKED_CAST")
fun Map<String, Any?>.objects(key: String): List<Map<String, Any?>> =
    (this[key] as? List<Map<String, Any?>>) ?: throw IllegalArgumentException("vectors: no group $key")

fun Map<String, Any?>.s(key: String): String = this[key] as? String ?: throw IllegalArgumentException("vectors: $key is not a string")
fun Map<String, Any?>.b(key: String): ByteArray = hex(s(key))
fun Map<String, Any?>.n(key: String): Long = this[key] as? Long ?: throw IllegalArgumentException("vectors: $key is not a number")
fun Map<String, Any?>.code(): UInt? = (this["code"] as Long?)?.toUInt()

/** JSON text of a value as [Json.parse] returns them (maps, lists, String, Long, Boolean, null). */
fun toJson(v: Any?): String = StringBuilder().also { writeJson(it, v) }.toString()

private fun writeJson(out: StringBuilder, v: Any?) {
    when (v) {
        null -> out.append("null")
        is String -> {
            out.append('"')
            for (c in v) when {
                c == '"' -> out.append("\\\"")
                c == '\\' -> out.append("\\\\")
                c < ' ' -> out.append("\\u%04x".format(c.code))
                else -> out.append(c)
            }
            out.append('"')
        }
        is Boolean, is Long, is Int -> out.append(v.toString())
        is Map<*, *> -> {
            out.append('{')
            v.entries.forEachIndexed { i, (k, x) ->
                if (i > 0) out.append(',')
                writeJson(out, k as? String ?: throw IllegalArgumentException("JSON: a key is not a string"))
                out.append(':')
                writeJson(out, x)
            }
            out.append('}')
        }
        is List<*> -> {
            out.append('[')
            v.forEachIndexed { i, x -> if (i > 0) out.append(','); writeJson(out, x) }
            out.append(']')
        }
        else -> throw IllegalArgumentException("JSON: cannot write a ${v::class.simpleName}")
    }
}
