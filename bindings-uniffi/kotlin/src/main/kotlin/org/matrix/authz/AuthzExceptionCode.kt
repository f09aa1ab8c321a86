// Hand-written beside the generated bindings: the stable code of any AuthzException, whichever
// variant carries it (`catch (e: AuthzException) { e.code }`). The `when` is exhaustive, so a new
// variant fails the build here instead of going unnoticed.
package org.matrix.authz

/** The stable code (`scope.invalid_char`), the same in every runtime. */
val AuthzException.code: String
    get() = when (this) {
        is AuthzException.InvalidScope -> code
        is AuthzException.InvalidDeviceId -> code
        is AuthzException.InsufficientEntropy -> code
        is AuthzException.UnsupportedAction -> code
        is AuthzException.InvalidPolicy -> code
        is AuthzException.InvalidInput -> code
        is AuthzException.UnknownOperation -> code
        is AuthzException.Other -> code
    }
