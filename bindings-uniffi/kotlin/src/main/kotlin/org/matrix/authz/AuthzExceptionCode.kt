// Hand-written beside the generated bindings: the stable code and the detail of any
// AuthzException, whichever variant carries them (`catch (e: AuthzException) { e.code }`). The
// `when` is exhaustive, so a new variant fails the build here instead of going unnoticed.
package org.matrix.authz

private val AuthzException.parts: Pair<String, String>
    get() = when (this) {
        is AuthzException.InvalidScope -> code to detail
        is AuthzException.InvalidDeviceId -> code to detail
        is AuthzException.InsufficientEntropy -> code to detail
        is AuthzException.UnsupportedAction -> code to detail
        is AuthzException.InvalidPolicy -> code to detail
        is AuthzException.InvalidInput -> code to detail
        is AuthzException.UnknownOperation -> code to detail
        is AuthzException.Other -> code to detail
    }

/** The stable code (`scope.invalid_char`), the same in every runtime. */
val AuthzException.code: String
    get() = parts.first

/** What is wrong, for people (may change between versions); `toString()` gives it too. */
val AuthzException.detail: String
    get() = parts.second
