// Hand-written beside the generated bindings: every AuthzError case carries `code`, `detail` and
// `path`; these read them whichever case it is, and make the detail what Swift shows for the
// error (bindgen.toml turns off the generated `LocalizedError` conformance, which prints a dump;
// the generated `description` is the Rust `Display`, the detail too).
import Foundation

extension AuthzError: LocalizedError, CustomStringConvertible {
    /// The stable code (`scope.invalid_char`), the same in every runtime.
    public var code: String { parts.code }

    /// What is wrong, for people (lower-case, no trailing period; may change between versions).
    public var detail: String { parts.detail }

    /// Where one place is at fault, a JSON pointer to it (`/token/scope` into the request or the
    /// op's input, `/step_up/0/max_age` into a policy document); nil otherwise.
    public var path: String? { parts.path }

    private var parts: (code: String, detail: String, path: String?) {
        switch self {
        case let .InvalidScope(code, detail, path), let .InvalidDeviceId(code, detail, path),
             let .InsufficientEntropy(code, detail, path), let .UnsupportedAction(code, detail, path),
             let .InvalidPolicy(code, detail, path), let .InvalidInput(code, detail, path),
             let .UnknownOperation(code, detail, path), let .Other(code, detail, path):
            return (code, detail, path)
        }
    }

    public var errorDescription: String? { detail }
}
