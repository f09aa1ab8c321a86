// A small JSON reader and writer for the test harness: the plain JVM has no JSON parser, and the
// tests must run without Maven Central. Values are Map<String, Any?> (insertion order), List<Any?>,
// String, Long (or Double for a fraction or exponent), Boolean and null.
package org.matrix.authz.test

class JsonException(message: String) : Exception(message)

object Json {
    fun parse(text: String): Any? {
        val reader = Reader(text)
        reader.skipSpace()
        val value = reader.value()
        reader.skipSpace()
        if (!reader.atEnd()) throw reader.fail("trailing text")
        return value
    }

    fun write(value: Any?): String = StringBuilder().also { write(value, it) }.toString()

    private fun write(value: Any?, out: StringBuilder) {
        when (value) {
            null -> out.append("null")
            is Boolean, is Long, is Int, is Double -> out.append(value.toString())
            is String -> writeString(value, out)
            is List<*> -> {
                out.append('[')
                value.forEachIndexed { i, item -> if (i > 0) out.append(','); write(item, out) }
                out.append(']')
            }
            is Map<*, *> -> {
                out.append('{')
                var first = true
                for ((k, v) in value) {
                    if (!first) out.append(',')
                    first = false
                    writeString(k.toString(), out)
                    out.append(':')
                    write(v, out)
                }
                out.append('}')
            }
            else -> throw JsonException("cannot write ${value::class}")
        }
    }

    private fun writeString(s: String, out: StringBuilder) {
        out.append('"')
        for (c in s) {
            when {
                c == '"' -> out.append("\\\"")
                c == '\\' -> out.append("\\\\")
                c < ' ' -> out.append(String.format("\\u%04x", c.code))
                else -> out.append(c)
            }
        }
        out.append('"')
    }

    private class Reader(val text: String) {
        var at = 0

        fun atEnd() = at >= text.length
        fun fail(why: String) = JsonException("$why at offset $at")
        fun peek(): Char = if (atEnd()) throw fail("unexpected end") else text[at]

        fun skipSpace() {
            while (!atEnd() && text[at] in " \t\r\n") at++
        }

        fun expect(word: String) {
            if (!text.startsWith(word, at)) throw fail("expected `$word`")
            at += word.length
        }

        fun value(): Any? = when (peek()) {
            '{' -> obj()
            '[' -> array()
            '"' -> string()
            't' -> { expect("true"); true }
            'f' -> { expect("false"); false }
            'n' -> { expect("null"); null }
            else -> number()
        }

        fun obj(): Map<String, Any?> {
            val map = LinkedHashMap<String, Any?>()
            at++
            skipSpace()
            if (peek() == '}') { at++; return map }
            while (true) {
                skipSpace()
                val key = string()
                skipSpace()
                expect(":")
                skipSpace()
                map[key] = value()
                skipSpace()
                when (peek()) {
                    ',' -> at++
                    '}' -> { at++; return map }
                    else -> throw fail("expected `,` or `}`")
                }
            }
        }

        fun array(): List<Any?> {
            val list = ArrayList<Any?>()
            at++
            skipSpace()
            if (peek() == ']') { at++; return list }
            while (true) {
                skipSpace()
                list.add(value())
                skipSpace()
                when (peek()) {
                    ',' -> at++
                    ']' -> { at++; return list }
                    else -> throw fail("expected `,` or `]`")
                }
            }
        }

        fun string(): String {
            if (peek() != '"') throw fail("expected a string")
            at++
            val out = StringBuilder()
            while (true) {
                val c = peek()
                at++
                when {
                    c == '"' -> return out.toString()
                    c == '\\' -> {
                        val e = peek()
                        at++
                        when (e) {
                            '"', '\\', '/' -> out.append(e)
                            'b' -> out.append('\b')
                            'f' -> out.append('\u000c')
                            'n' -> out.append('\n')
                            'r' -> out.append('\r')
                            't' -> out.append('\t')
                            'u' -> {
                                if (at + 4 > text.length) throw fail("short \\u escape")
                                out.append(text.substring(at, at + 4).toIntOrNull(16)?.toChar() ?: throw fail("bad \\u escape"))
                                at += 4
                            }
                            else -> throw fail("bad escape")
                        }
                    }
                    c < ' ' -> throw fail("control character in a string")
                    else -> out.append(c)
                }
            }
        }

        fun number(): Any {
            val start = at
            while (!atEnd() && text[at] in "+-0123456789.eE") at++
            val s = text.substring(start, at)
            if (s.isEmpty()) throw fail("unexpected character")
            val isInteger = s.none { it in ".eE" }
            return (if (isInteger) s.toLongOrNull() else s.toDoubleOrNull()) ?: throw fail("bad number `$s`")
        }
    }
}
