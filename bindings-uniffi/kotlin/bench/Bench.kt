// Per-call cost of `evaluate("request.decide", ...)` from Kotlin on the JVM, through JNA.
// Not a test: run by `bindings-uniffi/bench.sh kotlin`. Prints ns per call after a warm-up.
package org.matrix.authz.bench

import java.io.File
import org.matrix.authz.evaluate

object Bench {
    @JvmStatic
    fun main(args: Array<String>) {
        val input = File(args.getOrElse(0) { "bindings-uniffi/bench-input.json" }).readText()
        val calls = args.getOrElse(1) { "200000" }.toInt()
        repeat(calls / 4) { evaluate("request.decide", input) }  // warm-up: JIT, JNA, allocator
        val start = System.nanoTime()
        var size = 0L
        repeat(calls) { size += evaluate("request.decide", input).length }
        val ns = (System.nanoTime() - start).toDouble() / calls
        println("kotlin: request.decide via evaluate: %.0f ns per call (%d calls, %d result chars)".format(ns, calls, size / calls))
    }
}
