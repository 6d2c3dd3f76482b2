/// The options of SET and GETEX, parsed as Redis's
/// `parseExtendedStringArgumentsOrReply` does: left to right, each option
/// accepted only if no conflicting one came before it (so `SET k v EX 1 EX 2`
/// is fine and uses 2, while `EX 1 PX 2`, `NX XX`, `KEEPTTL EX 1` and an
/// `EX` without a value are syntax errors).
struct StringSetOptions {
    enum Command { case set, getex }

    /// How the expire argument reads: relative or absolute, seconds or ms.
    enum ExpireKind {
        case seconds, milliseconds, unixSeconds, unixMilliseconds

        var isAbsolute: Bool { self == .unixSeconds || self == .unixMilliseconds }
        var inSeconds: Bool { self == .seconds || self == .unixSeconds }
    }

    var onlyIfMissing = false  // NX
    var onlyIfExists = false  // XX
    var returnsOldValue = false  // GET
    var keepTTL = false  // KEEPTTL
    var removesTTL = false  // PERSIST (GETEX)
    var expire: ExpireKind?
    /// The position of the expire argument in argv.
    var expireIndex = 0

    init() {}

    /// SETEX and PSETEX: a fixed relative expire at `argumentIndex`.
    init(expire: ExpireKind, argumentIndex: Int) {
        self.expire = expire
        expireIndex = argumentIndex
    }

    init(_ context: CommandContext, from start: Int, for command: Command) throws(CommandError) {
        let isSet = command == .set
        var index = start
        while index < context.argumentCount {
            let hasNext = index + 1 < context.argumentCount
            let noExpire = expire == nil
            if isSet && context.argument(index, is: "nx") && !onlyIfExists {
                onlyIfMissing = true
            } else if isSet && context.argument(index, is: "xx") && !onlyIfMissing {
                onlyIfExists = true
            } else if isSet && context.argument(index, is: "get") {
                returnsOldValue = true
            } else if isSet && context.argument(index, is: "keepttl") && noExpire {
                keepTTL = true
            } else if !isSet && context.argument(index, is: "persist") && noExpire {
                removesTTL = true
            } else if let kind = StringSetOptions.expireKind(context, index), hasNext,
                      !keepTTL, !removesTTL, expire == nil || expire == kind {
                expire = kind
                expireIndex = index + 1
                index += 1
            } else {
                throw .syntax
            }
            index += 1
        }
    }

    private static func expireKind(_ context: CommandContext, _ index: Int) -> ExpireKind? {
        if context.argument(index, is: "ex") { return .seconds }
        if context.argument(index, is: "px") { return .milliseconds }
        if context.argument(index, is: "exat") { return .unixSeconds }
        if context.argument(index, is: "pxat") { return .unixMilliseconds }
        return nil
    }

    /// The absolute expire time in Unix ms, nil without an expire option
    /// (`getExpireMillisecondsOrReply`): the argument must be a positive
    /// integer, seconds must not overflow when made milliseconds, and a
    /// relative time must not overflow when added to now; otherwise
    /// "invalid expire time in '<command>' command". A time in the past is
    /// accepted (SET keeps the already expired key until it is next read).
    func expireMilliseconds(_ context: CommandContext, command: String) throws(CommandError) -> Int64? {
        guard let expire else { return nil }
        var milliseconds = try context.integer(expireIndex)
        if milliseconds <= 0 || (expire.inSeconds && milliseconds > Int64.max / 1000) {
            throw .invalidExpireTime(command)
        }
        if expire.inSeconds { milliseconds *= 1000 }
        if !expire.isAbsolute {
            let (sum, overflow) = milliseconds.addingReportingOverflow(context.now)
            if overflow { throw .invalidExpireTime(command) }
            milliseconds = sum
        }
        if milliseconds <= 0 { throw .invalidExpireTime(command) }
        return milliseconds
    }
}
