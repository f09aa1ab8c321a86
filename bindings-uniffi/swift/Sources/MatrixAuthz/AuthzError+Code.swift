// Hand-written beside the generated bindings: every AuthzError case carries `code` and `message`;
// these read them whichever case it is, and make the message what Swift shows for the error
// (uniffi.toml turns off the generated `LocalizedError` conformance, which prints a dump).
import Foundation

extension AuthzError: LocalizedError, CustomStringConvertible {
    /// The stable code (`scope.invalid_char`), the same in every runtime.
    public var code: String {
        switch self {
        case let .invalidScope(code, _), let .invalidDeviceId(code, _), let .insufficientEntropy(code, _),
             let .unsupportedAction(code, _), let .invalidPolicy(code, _), let .invalidInput(code, _),
             let .unknownOperation(code, _), let .other(code, _):
            return code
        }
    }

    /// What is wrong, for people (lower-case, no trailing period; may change between versions).
    public var message: String {
        switch self {
        case let .invalidScope(_, message), let .invalidDeviceId(_, message), let .insufficientEntropy(_, message),
             let .unsupportedAction(_, message), let .invalidPolicy(_, message), let .invalidInput(_, message),
             let .unknownOperation(_, message), let .other(_, message):
            return message
        }
    }

    public var errorDescription: String? { message }

    public var description: String { message }
}
