// Per-call cost from Kotlin on the JVM, through JNA: `evaluate("request.decide", ...)` (JSON text
// in and out) and the typed `Policy.decide` on the same request (an allowed `GET /sync` with a
// full-API token). Not a test: run by `bindings-uniffi/bench.sh kotlin`. Prints ns per call after
// a warm-up.
package org.matrix.authz.bench

import java.io.File
import org.matrix.authz.*
import org.matrix.authz.core.*

object Bench {
    private fun measure(calls: Int, call: () -> Int): Pair<Double, Long> {
        repeat(calls / 4) { call() }  // warm-up: JIT, JNA, allocator
        val start = System.nanoTime()
        var size = 0L
        repeat(calls) { size += call() }
        return Pair((System.nanoTime() - start).toDouble() / calls, size / calls)
    }

    @JvmStatic
    fun main(args: Array<String>) {
        val input = File(args.getOrElse(0) { "bindings-uniffi/bench-input.json" }).readText()
        val calls = args.getOrElse(1) { "200000" }.toInt()
        val (json, chars) = measure(calls) { evaluate("request.decide", input).length }
        println("kotlin: request.decide via evaluate: %.0f ns per call (%d calls, %d result chars)".format(json, calls, chars))
        val policy = Policy()
        val request = DecideRequest(
            method = "GET",
            path = "/_matrix/client/v3/sync",
            token = TokenInfo(scope = "urn:matrix:client:api:* urn:matrix:client:device:ABCDEFGHIJ"),
        )
        val (typed, _) = measure(calls) { policy.decide(request).decision.ordinal }
        println("kotlin: typed Policy.decide: %.0f ns per call (%d calls)".format(typed, calls))
    }
}
