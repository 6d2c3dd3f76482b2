/// SINTER, SINTERCARD, SINTERSTORE, SUNION, SUNIONSTORE, SDIFF, SDIFFSTORE
/// (`sinterGenericCommand`, `sinterCardCommand`, `sunionDiffGenericCommand`).
///
/// Every source key is looked up and type-checked before any work, so a
/// WRONGTYPE in any position fails the whole command and writes nothing; a
/// missing key is an empty set. Replies are RESP3 sets.
///
/// The STORE forms replace the destination (any type, TTL dropped) with the
/// result, or delete it when the result is empty. They are logged as
/// themselves: the sources at replay are exactly what they were (lazy
/// expiry logs its DELs before), so the command recomputes the same result
/// without the log carrying it. An empty result logs `DEL destination`, and
/// only if there was something to delete.
enum SetAlgebra {
    enum Operation { case union, diff }

    /// The sets at `argv[range]`, nil for missing keys (`lookupKeyRead` +
    /// `checkType` for each, in order).
    private static func sources(_ context: CommandContext, _ range: Range<Int>) throws(CommandError) -> [SetObject?] {
        var sets: [SetObject?] = []
        sets.reserveCapacity(range.count)
        for index in range { sets.append(try context.set(context.key(index))) }
        return sets
    }

    /// The members in every set: the smallest set's members tested against
    /// the others (the same object twice is skipped, as Redis compares
    /// pointers). Stops after `limit` members when it is positive.
    private static func intersection(_ sets: [SetObject], limit: Int = 0) -> [ByteString] {
        let ordered = sets.sorted { $0.count < $1.count }
        let smallest = ordered[0]
        var result: [ByteString] = []
        smallest.forEach { member in
            if limit > 0 && result.count >= limit { return }
            for other in ordered.dropFirst() where other !== smallest {
                if !other.contains(member) { return }
            }
            result.append(member)
        }
        return result
    }

    /// `SINTER key [key ...]` (and SMEMBERS's algorithm).
    static func inter(_ context: CommandContext) throws(CommandError) -> Reply {
        let sets = try sources(context, 1..<context.argumentCount)
        let present = sets.compactMap { $0 }
        guard present.count == sets.count else { return .set([]) }
        return .set(intersection(present).map { .bulk($0) })
    }

    /// `SINTERCARD numkeys key [key ...] [LIMIT limit]` (`sinterCardCommand`):
    /// numkeys must be 1...LONG_MAX ("numkeys should be greater than 0",
    /// also for a non-integer) and at most the arguments left; then the
    /// options (LIMIT takes a value in 0...LONG_MAX, "LIMIT can't be
    /// negative"; 0 means no limit; anything else is a syntax error); then
    /// the keys.
    static func interCard(_ context: CommandContext) throws(CommandError) -> Reply {
        let numkeysError = CommandError.err("numkeys should be greater than 0")
        let numkeys = try context.integer(1, error: numkeysError)
        guard numkeys >= 1 else { throw numkeysError }
        guard numkeys <= Int64(context.argumentCount - 2) else {
            throw .err("Number of keys can't be greater than number of args")
        }
        let firstOption = 2 + Int(numkeys)
        var limit: Int64 = 0
        var index = firstOption
        while index < context.argumentCount {
            let more = context.argumentCount - 1 - index
            guard context.argument(index, is: "limit") && more > 0 else { throw .syntax }
            let limitError = CommandError.err("LIMIT can't be negative")
            limit = try context.integer(index + 1, error: limitError)
            guard limit >= 0 else { throw limitError }
            index += 2
        }
        let sets = try sources(context, 2..<firstOption)
        let present = sets.compactMap { $0 }
        guard present.count == sets.count else { return .integer(0) }
        return .integer(Int64(intersection(present, limit: Int(clamping: limit)).count))
    }

    /// `SINTERSTORE destination key [key ...]`: the result's size.
    static func interStore(_ context: CommandContext) throws(CommandError) -> Reply {
        let sets = try sources(context, 2..<context.argumentCount)
        let present = sets.compactMap { $0 }
        let members = present.count == sets.count ? intersection(present) : []
        return store(context, members)
    }

    /// SUNION, SDIFF and their STORE forms (`sunionDiffGenericCommand`).
    /// SDIFF subtracts every later set from the first; a later key naming
    /// the first set's key makes the result empty.
    static func unionOrDiff(_ context: CommandContext, _ operation: Operation, store: Bool) throws(CommandError) -> Reply {
        let first = store ? 2 : 1
        let sets = try sources(context, first..<context.argumentCount)
        var members: [ByteString] = []
        switch operation {
        case .union:
            // The result keeps the first set's order, then each later set's new members.
            var seen = Set<ByteString>()
            for case let set? in sets {
                set.forEach { if seen.insert($0).inserted { members.append($0) } }
            }
        case .diff:
            guard let base = sets[0] else { break }
            let others = sets.dropFirst().compactMap { $0 }
            if others.contains(where: { $0 === base }) { break }
            base.forEach { member in
                if !others.contains(where: { $0.contains(member) }) { members.append(member) }
            }
        }
        if store { return self.store(context, members) }
        return .set(members.map { .bulk($0) })
    }

    /// Stores `members` at argv[1] as a set built as Redis builds it (an
    /// intset that converts as members arrive), or deletes argv[1] when
    /// there are none. Replies with the result's size.
    private static func store(_ context: CommandContext, _ members: [ByteString]) -> Reply {
        let destination = context.key(1)
        guard !members.isEmpty else {
            if context.delete(destination) { context.emit([Bytes(ascii: "DEL"), context.argv[1]]) }
            return .integer(0)
        }
        let result = SetObject()
        for member in members { result.add(member, limits: context.limits) }
        context.set(destination, .set(result))
        context.emitCommand()
        return .integer(Int64(result.count))
    }
}
