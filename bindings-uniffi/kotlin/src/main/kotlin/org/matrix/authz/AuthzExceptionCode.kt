// Hand-written beside the generated bindings: the stable code, the detail and the path of any
// AuthzException, whichever variant carries them (`catch (e: AuthzException) { e.code }`). The
// `when` is exhaustive, so a new variant fails the build here instead of going unnoticed.
package org.matrix.authz

private class Parts(val code: String, val detail: String, val path: String?)

private val AuthzException.parts: Parts
    get() = when (this) {
        is AuthzException.InvalidScope -> Parts(code, detail, path)
        is AuthzException.InvalidDeviceId -> Parts(code, detail, path)
        is AuthzException.InsufficientEntropy -> Parts(code, detail, path)
        is AuthzException.UnsupportedAction -> Parts(code, detail, path)
        is AuthzException.InvalidPolicy -> Parts(code, detail, path)
        is AuthzException.InvalidInput -> Parts(code, detail, path)
        is AuthzException.UnknownOperation -> Parts(code, detail, path)
        is AuthzException.Other -> Parts(code, detail, path)
    }

/** The stable code (`scope.invalid_char`), the same in every runtime. */
val AuthzException.code: String
    get() = parts.code

/** What is wrong, for people (may change between versions); `toString()` gives it too. */
val AuthzException.detail: String
    get() = parts.detail

/**
 * Where one place is at fault, a JSON pointer to it (`/token/scope` into the request or the op's
 * input, `/step_up/0/max_age` into a policy document); null otherwise.
 */
val AuthzException.path: String?
    get() = parts.path
