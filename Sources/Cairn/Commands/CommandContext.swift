/// What a command handler sees: its arguments, the selected database, the
/// time of the command, and the keyspace operations Redis's `db.c` offers.
///
/// The clock is read once per command (`now`), so every expiry decision and
/// every relative TTL a command turns absolute agree with each other.
struct CommandContext {
    /// The engine running the command, which outlives every context it
    /// makes (a context lives for one command): no reference counting.
    unowned(unsafe) let engine: Engine
    let keyspace: Keyspace
    let argv: [Bytes]
    /// The selected database (`SELECT` changes it for the session).
    var database: Int
    /// The client's RESP version (2 or 3), for the few replies whose shape
    /// Redis varies beyond what the encoder maps.
    let protocolVersion: Int
    /// Unix milliseconds at the start of the command.
    let now: Int64

    var argumentCount: Int { argv.count }

    /// Whether the log is being replayed: no clock, no expiry decisions.
    var isReplaying: Bool { !keyspace.expiryEnabled }

    // MARK: Arguments

    func key(_ index: Int) -> ByteString { ByteString(argv[index]) }

    /// Whether argument `index` is the ASCII word `word`, any letter case.
    func argument(_ index: Int, is word: StaticString) -> Bool {
        argv[index].equalsIgnoringCase(word)
    }

    /// Argument `index` as an integer (`getLongLongFromObjectOrReply`).
    func integer(_ index: Int, error: CommandError = .notInteger) throws(CommandError) -> Int64 {
        guard let value = Numbers.parseInteger(argv[index]) else { throw error }
        return value
    }

    /// Argument `index` as a double (`getDoubleFromObjectOrReply`).
    func double(_ index: Int, error: CommandError = .notFloat) throws(CommandError) -> Double {
        guard let value = Numbers.parseDouble(argv[index]) else { throw error }
        return value
    }

    // MARK: Keyspace

    /// The value at `key`, deleting it first if it has expired
    /// (`lookupKeyRead` / `lookupKeyWrite`).
    func lookup(_ key: ByteString) -> Value? {
        keyspace.lookup(database, key, now: now)
    }

    /// The string at `key`, nil if missing, WRONGTYPE if another type.
    func string(_ key: ByteString) throws(CommandError) -> ByteString? {
        switch lookup(key) {
        case nil: return nil
        case .string(let string): return string
        default: throw .wrongType
        }
    }

    /// The hash at `key`, nil if missing, WRONGTYPE if another type.
    func hash(_ key: ByteString) throws(CommandError) -> HashObject? {
        switch lookup(key) {
        case nil: return nil
        case .hash(let hash): return hash
        default: throw .wrongType
        }
    }

    /// The list at `key`, nil if missing, WRONGTYPE if another type.
    func list(_ key: ByteString) throws(CommandError) -> ListObject? {
        switch lookup(key) {
        case nil: return nil
        case .list(let list): return list
        default: throw .wrongType
        }
    }

    /// The set at `key`, nil if missing, WRONGTYPE if another type.
    func set(_ key: ByteString) throws(CommandError) -> SetObject? {
        switch lookup(key) {
        case nil: return nil
        case .set(let set): return set
        default: throw .wrongType
        }
    }

    /// The sorted set at `key`, nil if missing, WRONGTYPE if another type.
    func zset(_ key: ByteString) throws(CommandError) -> SortedSetObject? {
        switch lookup(key) {
        case nil: return nil
        case .zset(let zset): return zset
        default: throw .wrongType
        }
    }

    /// Stores `value` at `key`, dropping its TTL unless `keepTTL`.
    func set(_ key: ByteString, _ value: Value, keepTTL: Bool = false) {
        keyspace.set(database, key, value, keepTTL: keepTTL)
    }

    @discardableResult
    func delete(_ key: ByteString) -> Bool {
        keyspace.delete(database, key)
    }

    /// Signals that a value changed in place (`signalModifiedKey`).
    func keyModified(_ key: ByteString) {
        keyspace.keyModified(database, key)
    }

    func expireTime(_ key: ByteString) -> Int64? {
        keyspace.expireTime(database, key)
    }

    func setExpire(_ key: ByteString, at milliseconds: Int64) {
        keyspace.setExpire(database, key, at: milliseconds)
    }

    var limits: EncodingLimits { keyspace.limits }

    // MARK: Effects

    /// Reports an effect in the deterministic form the log will hold.
    func emit(_ argv: [Bytes]) {
        keyspace.emit(database, argv)
    }

    /// Reports the command itself as its effect: for writes whose argv is
    /// already deterministic (`SET k v`, `HSET`, `DEL`).
    func emitCommand() {
        keyspace.emit(database, argv)
    }

    /// A uniformly random integer in `range` from the engine's random source.
    func random(in range: Range<Int>) -> Int {
        Int.random(in: range, using: &engine.random)
    }
}

extension Bytes {
    /// The ASCII bytes of `text`, for building effects: `Bytes("PEXPIREAT")`.
    init(ascii text: String) { self = Array(text.utf8) }
}

extension Int64 {
    /// Decimal text, for effects and bulk replies.
    var decimal: Bytes { decimalBytes(self) }
}

extension CommandContext {
    /// The optional `COUNT n` after the LEFT|RIGHT or MIN|MAX argument at
    /// `whereIndex` of LMPOP/ZMPOP and their blocking forms (Redis's
    /// lmpopGenericCommand, zmpopGenericCommand): given at most once, at
    /// least 1; 1 when absent.
    func multiPopCount(after whereIndex: Int) throws(CommandError) -> Int {
        let countError = CommandError.err("count should be greater than 0")
        var count: Int64 = -1
        var index = whereIndex + 1
        while index < argumentCount {
            guard count == -1, argument(index, is: "count"), index + 1 < argumentCount else { throw .syntax }
            count = try integer(index + 1, error: countError)
            guard count >= 1 else { throw countError }
            index += 2
        }
        return count == -1 ? 1 : Int(clamping: count)
    }
}
