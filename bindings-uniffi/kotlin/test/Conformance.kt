// The conformance vectors through `evaluate` (FORMAT.md "Runners"): core/conformance/*.json and,
// when MATRIX_AUTHZ_VECTORS names a folder, every *.json in it; one line per failing case;
// `N passed, N failed` alone on the last line; exit 1 on any failure, zero cases or a repeated id.
// Codes are compared, never messages; an error's `path` too when the vector pins one (FORMAT.md v4).
package org.matrix.authz.test

import java.io.File
import kotlin.system.exitProcess
import org.matrix.authz.AuthzException
import org.matrix.authz.code
import org.matrix.authz.evaluate
import org.matrix.authz.path

/** FORMAT.md's subset pattern: objects by named keys, arrays element by element, else equal. */
fun matches(pattern: Any?, actual: Any?): Boolean = when (pattern) {
    is Map<*, *> -> actual is Map<*, *> && pattern.all { (k, v) -> actual.containsKey(k) && matches(v, actual[k]) }
    is List<*> -> actual is List<*> && pattern.size == actual.size && pattern.indices.all { matches(pattern[it], actual[it]) }
    else -> pattern == actual
}

/**
 * Runs one case: whether it passed, and the answer as `{"ok": ...}`, `{"error": CODE}` or, when
 * the error points at a place, `{"error": CODE, "path": POINTER}`.
 */
fun runCase(case: Map<*, *>): Pair<Boolean, Map<String, Any?>> {
    val answer: Map<String, Any?> = try {
        // `input_json`: the input as JSON text, for what host values cannot hold (a number past
        // a double); handed over as it is.
        val input = case["input_json"] as? String ?: Json.write(case["input"])
        mapOf("ok" to Json.parse(evaluate(case["op"] as? String ?: "", input)))
    } catch (e: AuthzException) {
        e.path?.let { mapOf("error" to e.code, "path" to it) } ?: mapOf("error" to e.code)
    }
    val expect = case["expect"] as? Map<*, *> ?: return false to answer
    val passed = when {
        expect.containsKey("ok") && !expect.containsKey("error") ->
            answer.containsKey("ok") && matches(expect["ok"], answer["ok"])
        // A vector may pin the error's `path` too; then both must match.
        expect.containsKey("error") && !expect.containsKey("ok") ->
            answer["error"] == expect["error"] && (!expect.containsKey("path") || answer["path"] == expect["path"])
        else -> false
    }
    return passed to answer
}

fun vectorFiles(root: File): List<File> {
    val folders = mutableListOf(File(root, "core/conformance"))
    System.getenv("MATRIX_AUTHZ_VECTORS")?.takeIf { it.isNotEmpty() }?.let { folders.add(File(it)) }
    return folders.flatMap { folder ->
        (folder.listFiles { f -> f.isFile && f.name.endsWith(".json") } ?: emptyArray()).sortedBy { it.name }
    }
}

/** Runs every case of every file: (passed, failure lines). */
fun runConformance(root: File): Pair<Int, List<String>> {
    var passed = 0
    val failures = mutableListOf<String>()
    val seen = HashSet<String>()
    for (file in vectorFiles(root)) {
        val cases = try {
            (Json.parse(file.readText()) as? Map<*, *>)?.get("cases") as? List<*> ?: throw JsonException("no `cases` array")
        } catch (e: Exception) {
            failures.add("FAIL ${file.path}: expected a vector file got ${e.message}")
            continue
        }
        for (case in cases) {
            val map = case as? Map<*, *>
            val id = map?.get("id") as? String
            val expected = Json.write(map?.get("expect"))
            if (map == null || id.isNullOrEmpty() || !seen.add(id)) {
                failures.add("FAIL $id: expected $expected got a missing or repeated id")
                continue
            }
            val (ok, answer) = runCase(map)
            if (ok) passed++ else failures.add("FAIL $id: expected $expected got ${Json.write(answer)}")
        }
    }
    return passed to failures
}

/** The repository root: MATRIX_AUTHZ_ROOT, else the working directory. */
fun repoRoot(): File = File(System.getenv("MATRIX_AUTHZ_ROOT") ?: ".").absoluteFile

fun main() {
    val (passed, failures) = runConformance(repoRoot())
    failures.forEach(::println)
    println("$passed passed, ${failures.size} failed")
    exitProcess(if (passed > 0 && failures.isEmpty()) 0 else 1)
}
