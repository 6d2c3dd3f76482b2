/// A command's failure: the error line Redis sends for the same failure.
///
/// Handlers validate their arguments before changing anything, so throwing
/// never leaves a command half done.
public struct CommandError: Error, Sendable, Equatable {
    /// The whole error line without `-`, starting with its code (`ERR`, `WRONGTYPE`, ...).
    public let message: String

    public init(_ message: String) { self.message = message }

    /// An `ERR` error with the given text.
    static func err(_ text: String) -> CommandError { CommandError("ERR " + text) }

    static let syntax = err("syntax error")
    static let wrongType = CommandError("WRONGTYPE Operation against a key holding the wrong kind of value")
    static let notInteger = err("value is not an integer or out of range")
    static let notFloat = err("value is not a valid float")
    static let overflow = err("increment or decrement would overflow")
    static let noSuchKey = err("no such key")
    static let invalidDatabase = err("DB index is out of range")
    /// `shared.sameobjecterr`: COPY onto itself, MOVE to the same database.
    static let sameObject = err("source and destination objects are the same")
    static let notPositive = err("value is out of range, must be positive")
    static let stringTooLong = err("string exceeds maximum allowed size (proto-max-bulk-len)")

    static func wrongArity(_ name: String) -> CommandError {
        err("wrong number of arguments for '\(name)' command")
    }

    static func invalidExpireTime(_ command: String) -> CommandError {
        err("invalid expire time in '\(command)' command")
    }
}
