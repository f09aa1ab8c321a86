// Hand-written beside the generated bindings: every AuthzError case carries `code` and `message`;
// these read them whichever case it is, and make the message what Swift shows for the error
// (uniffi.toml turns off the generated `LocalizedError` conformance, which prints a dump).
import Foundation

extension AuthzError: LocalizedError, CustomStringConvertible {
    /// The stable code (`scope.invalid_char`), the same in every runtime.
    public var code: String { fields.code }

    /// What is wrong, for people (lower-case, no trailing period; may change between versions).
    public var message: String { fields.message }

    private var fields: (code: String, message: String) {
        switch self {
        case let .InvalidScope(code, message), let .InvalidDeviceId(code, message),
             let .InsufficientEntropy(code, message), let .UnsupportedAction(code, message),
             let .InvalidPolicy(code, message), let .InvalidInput(code, message),
             let .UnknownOperation(code, message), let .Other(code, message):
            return (code, message)
        }
    }

    public var errorDescription: String? { message }

    public var description: String { message }
}
