// Hand-written beside the generated bindings: every AuthzError case carries `code` and `detail`;
// these read them whichever case it is, and make the detail what Swift shows for the error
// (bindgen.toml turns off the generated `LocalizedError` conformance, which prints a dump; the
// generated `description` is the Rust `Display`, the detail too).
import Foundation

extension AuthzError: LocalizedError, CustomStringConvertible {
    /// The stable code (`scope.invalid_char`), the same in every runtime.
    public var code: String { parts.code }

    /// What is wrong, for people (lower-case, no trailing period; may change between versions).
    public var detail: String { parts.detail }

    private var parts: (code: String, detail: String) {
        switch self {
        case let .InvalidScope(code, detail), let .InvalidDeviceId(code, detail),
             let .InsufficientEntropy(code, detail), let .UnsupportedAction(code, detail),
             let .InvalidPolicy(code, detail), let .InvalidInput(code, detail),
             let .UnknownOperation(code, detail), let .Other(code, detail):
            return (code, detail)
        }
    }

    public var errorDescription: String? { detail }
}
