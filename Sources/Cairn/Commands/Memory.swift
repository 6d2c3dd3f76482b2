/// MEMORY USAGE key [SAMPLES count] (object.c memoryCommand), as an
/// estimate in Redis's terms: what Redis would allocate for the key's
/// dictionary entry, the key and the value (each allocation rounded up to
/// 8 bytes, a 16-byte object header, an sds header per string, a 16-byte
/// node per element). Cairn's own layout differs; the estimate grows with
/// the data as Redis's does, which is what the command is used for. Every
/// element is counted: SAMPLES is parsed and checked as Redis checks it but
/// the answer is always the exact sum (Redis's SAMPLES 0).
enum MemoryCommands {
    static let specs: [CommandSpec] = [
        CommandSpec("memory", arity: -2, flags: [], group: "server", subcommands: [
            CommandSpec("memory|usage", arity: -3, flags: [.readonly], keys: (2, 2, 1), group: "server") { context throws(CommandError) in
                var index = 3
                while index < context.argumentCount {
                    guard context.argument(index, is: "samples"), index + 1 < context.argumentCount else { throw .syntax }
                    if try context.integer(index + 1) < 0 { throw .syntax }
                    index += 2
                }
                let key = context.key(2)
                guard let value = context.lookup(key) else { return .null }
                return .integer(Int64(dictEntryBytes + stringBytes(key.count) + valueBytes(value)))
            },
        ]) { _ throws(CommandError) in
            // Unreachable: the dispatcher runs a subcommand or replies with
            // Redis's unknown-subcommand error.
            throw .syntax
        },
    ]

    /// Redis's `dictEntry` (key, value, next pointers).
    private static let dictEntryBytes = 24
    /// Redis's `robj` header.
    private static let objectBytes = 16
    /// A container element's node or entry overhead.
    private static let elementBytes = 16

    /// An sds string of `length` bytes with its header and terminator, rounded to the allocator's 8 bytes.
    static func stringBytes(_ length: Int) -> Int { (length + 4 + 7) & ~7 }

    static func valueBytes(_ value: Value) -> Int {
        var total = objectBytes
        switch value {
        case .string(let string):
            if string.integerValue == nil { total += stringBytes(string.count) }
        case .hash(let hash):
            hash.forEach { field, fieldValue in
                total += 2 * elementBytes + stringBytes(field.count) + stringBytes(fieldValue.count)
            }
        case .list(let list):
            // Redis 7.0 measures a quicklist by its nodes (`objectComputeSize`:
            // the quicklist, then each node and its listpack bytes); Cairn's
            // packed chunks are that layout, so this is what they allocate.
            total += list.allocatedBytes
        case .set(let set):
            set.forEach { member in total += elementBytes + stringBytes(member.count) }
        case .zset(let zset):
            zset.forEach { member, _ in total += 2 * elementBytes + stringBytes(member.count) }
        }
        return total
    }
}
