/// What went wrong loading or changing the configuration. At startup the
/// server prints `description` and exits 1, as redis-server does; CONFIG SET
/// replies with `replyMessage`.
public enum ConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A line of the configuration is wrong. `file` is nil for the config
    /// proper (file, stdin and command-line options form one text, numbered as
    /// Redis numbers it) and names an `include`d file otherwise; `text` is the
    /// trimmed line, so it names the directive.
    case badLine(file: String?, line: Int, text: String, reason: String)
    /// The config file (or an included one) could not be read.
    case unreadable(file: String, reason: String)
    /// CONFIG SET named a directive Redis does not know.
    case unknownOption(String)
    /// CONFIG SET refused a value (immutable, duplicate or invalid).
    case setFailed(argument: String, reason: String)

    /// redis-server's fatal config error (loadServerConfigFromString's
    /// `loaderr`), e.g. for `port 70000` on line 2 Redis 7.0.15 prints:
    ///
    ///     *** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***
    ///     Reading the configuration file, at line 2
    ///     >>> 'port 70000'
    ///     argument must be between 0 and 65535 inclusive
    public var description: String {
        switch self {
        case .badLine(let file, let line, let text, let reason):
            let place = file.map { "Reading the configuration file \($0), at line \(line)" }
                ?? "Reading the configuration file, at line \(line)"
            return "\n*** FATAL CONFIG FILE ERROR (Cairn) ***\n\(place)\n>>> '\(text)'\n\(reason)"
        case .unreadable(let file, let reason):
            // loadServerConfig: "Fatal error, can't open config file '%s': %s"
            return "Fatal error, can't open config file '\(file)': \(reason)"
        case .unknownOption, .setFailed:
            return replyMessage
        }
    }

    /// The error reply for CONFIG SET, as configSetCommand words it.
    public var replyMessage: String {
        switch self {
        case .unknownOption(let name):
            return "ERR Unknown option or number of arguments for CONFIG SET - '\(name)'"
        case .setFailed(let argument, let reason):
            return "ERR CONFIG SET failed (possibly related to argument '\(argument)') - \(reason)"
        case .badLine(_, _, _, let reason), .unreadable(_, let reason):
            return "ERR \(reason)"
        }
    }
}
