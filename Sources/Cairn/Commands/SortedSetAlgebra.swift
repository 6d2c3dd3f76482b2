/// ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD: one parser and
/// one evaluator, as Redis's `zunionInterDiffGenericCommand`.
enum SortedSetAlgebraCommands {
    enum Operation { case union, intersection, difference }

    static let specs: [CommandSpec] = [
        CommandSpec("zunion", arity: -3, flags: [.readonly, .movableKeys], group: "sorted_set", keyCountIndex: 1) { context throws(CommandError) in
            try evaluate(context, .union, destination: false, cardinalityOnly: false)
        },
        CommandSpec("zinter", arity: -3, flags: [.readonly, .movableKeys], group: "sorted_set", keyCountIndex: 1) { context throws(CommandError) in
            try evaluate(context, .intersection, destination: false, cardinalityOnly: false)
        },
        CommandSpec("zdiff", arity: -3, flags: [.readonly, .movableKeys], group: "sorted_set", keyCountIndex: 1) { context throws(CommandError) in
            try evaluate(context, .difference, destination: false, cardinalityOnly: false)
        },
        CommandSpec("zintercard", arity: -3, flags: [.readonly, .movableKeys], group: "sorted_set", keyCountIndex: 1) { context throws(CommandError) in
            try evaluate(context, .intersection, destination: false, cardinalityOnly: true)
        },
        CommandSpec("zunionstore", arity: -4, flags: [.write, .denyOOM, .movableKeys], keys: (1, 1, 1), group: "sorted_set", keyCountIndex: 2) { context throws(CommandError) in
            try evaluate(context, .union, destination: true, cardinalityOnly: false)
        },
        CommandSpec("zinterstore", arity: -4, flags: [.write, .denyOOM, .movableKeys], keys: (1, 1, 1), group: "sorted_set", keyCountIndex: 2) { context throws(CommandError) in
            try evaluate(context, .intersection, destination: true, cardinalityOnly: false)
        },
        CommandSpec("zdiffstore", arity: -4, flags: [.write, .denyOOM, .movableKeys], keys: (1, 1, 1), group: "sorted_set", keyCountIndex: 2) { context throws(CommandError) in
            try evaluate(context, .difference, destination: true, cardinalityOnly: false)
        },
    ]

    /// One input key, read as (member, score) pairs (`zsetopsrc`): a sorted
    /// set gives its scores; a plain set gives every member score 1 (Redis's
    /// `zuiNext` on OBJ_SET).
    struct Input {
        var count: Int
        var weight = 1.0
        /// Identity of the stored object, so ZINTER of a key with itself
        /// reads the iterated element's own score (`src[j].subject == src[0].subject`).
        var identity: ObjectIdentifier?
        var elements: () -> [(member: ByteString, score: Double)]
        var score: (ByteString) -> Double?

        static var missing: Input { Input(count: 0, identity: nil, elements: { [] }, score: { _ in nil }) }
    }

    /// The input a stored value provides; WRONGTYPE for types Redis refuses
    /// (anything but a sorted set or a set).
    static func input(_ value: Value?) throws(CommandError) -> Input {
        switch value {
        case nil: return .missing
        case .zset(let zset):
            return Input(count: zset.count, identity: ObjectIdentifier(zset),
                         elements: { zset.allElements }, score: { zset.score($0) })
        case .set(let set):
            return Input(count: set.count, identity: ObjectIdentifier(set),
                         elements: {
                             var members: [(member: ByteString, score: Double)] = []
                             set.forEach { members.append(($0, 1)) }
                             return members
                         },
                         score: { set.contains($0) ? 1 : nil })
        default: throw .wrongType
        }
    }

    enum Aggregate { case sum, min, max }

    /// `zunionInterAggregate`: SUM turns +inf + -inf (NaN) into 0.
    static func aggregate(_ target: inout Double, _ value: Double, _ aggregate: Aggregate) {
        switch aggregate {
        case .sum:
            target += value
            if target.isNaN { target = 0 }
        case .min: target = value < target ? value : target
        case .max: target = value > target ? value : target
        }
    }

    /// Parses and evaluates every command of the family. Order of checks as
    /// Redis: numkeys, the key count, the keys' types, then the options.
    static func evaluate(_ context: CommandContext, _ operation: Operation, destination: Bool,
                         cardinalityOnly: Bool) throws(CommandError) -> Reply {
        let numberIndex = destination ? 2 : 1
        let keyCount = try context.integer(numberIndex)
        guard keyCount >= 1 else {
            let name = String(decoding: context.argv[0].asciiLowercased, as: UTF8.self)
            throw .err("at least 1 input key is needed for '\(name)' command")
        }
        guard keyCount <= Int64(context.argumentCount - numberIndex - 1) else { throw .syntax }
        let firstKey = numberIndex + 1
        var inputs: [Input] = []
        for index in firstKey..<firstKey + Int(keyCount) {
            inputs.append(try input(context.lookup(context.key(index))))
        }
        var aggregate = Aggregate.sum
        var withScores = false
        var limit: Int64 = 0
        var index = firstKey + Int(keyCount)
        while index < context.argumentCount {
            let remaining = context.argumentCount - index
            if operation != .difference && !cardinalityOnly && remaining >= inputs.count + 1 && context.argument(index, is: "weights") {
                for position in inputs.indices {
                    inputs[position].weight = try context.double(index + 1 + position, error: .err("weight value is not a float"))
                }
                index += 1 + inputs.count
            } else if operation != .difference && !cardinalityOnly && remaining >= 2 && context.argument(index, is: "aggregate") {
                if context.argument(index + 1, is: "sum") { aggregate = .sum }
                else if context.argument(index + 1, is: "min") { aggregate = .min }
                else if context.argument(index + 1, is: "max") { aggregate = .max }
                else { throw .syntax }
                index += 2
            } else if !destination && !cardinalityOnly && context.argument(index, is: "withscores") {
                withScores = true
                index += 1
            } else if cardinalityOnly && remaining >= 2 && context.argument(index, is: "limit") {
                let limitError = CommandError.err("LIMIT can't be negative")
                limit = try context.integer(index + 1, error: limitError)
                guard limit >= 0 else { throw limitError }
                index += 2
            } else {
                throw .syntax
            }
        }
        // Smallest first (a stable sort, as glibc's merge-sorting qsort):
        // the intersection walks the smallest, and sums add in this order.
        if operation != .difference {
            inputs = inputs.enumerated().sorted { ($0.element.count, $0.offset) < ($1.element.count, $1.offset) }.map(\.element)
        }
        if cardinalityOnly {
            return .integer(Int64(intersection(inputs, aggregate, limit: Int(clamping: limit)).count))
        }
        var result: [(member: ByteString, score: Double)]
        switch operation {
        case .union: result = union(inputs, aggregate)
        case .intersection: result = intersection(inputs, aggregate, limit: 0)
        case .difference: result = difference(inputs)
        }
        if destination {
            return SortedSetRangeCommands.store(context, destination: context.key(1), result)
        }
        result.sort { $0.score < $1.score || ($0.score == $1.score && $0.member < $1.member) }
        return SortedSetCommands.reply(result, withScores: withScores, protocolVersion: context.protocolVersion)
    }

    /// Members in every input; scores weighted and aggregated. Stops after
    /// `limit` members when it is positive (ZINTERCARD).
    static func intersection(_ inputs: [Input], _ aggregate: Aggregate, limit: Int) -> [(member: ByteString, score: Double)] {
        guard let smallest = inputs.first, smallest.count > 0 else { return [] }
        var result: [(member: ByteString, score: Double)] = []
        elements: for (member, score) in smallest.elements() {
            var total = smallest.weight * score
            if total.isNaN { total = 0 }
            for other in inputs.dropFirst() {
                let found = other.identity != nil && other.identity == smallest.identity ? score : other.score(member)
                guard let found else { continue elements }
                SortedSetAlgebraCommands.aggregate(&total, found * other.weight, aggregate)
            }
            result.append((member, total))
            if limit > 0 && result.count >= limit { break }
        }
        return result
    }

    /// Members in any input, each score weighted (NaN from inf * 0 is 0)
    /// and aggregated in input order.
    static func union(_ inputs: [Input], _ aggregate: Aggregate) -> [(member: ByteString, score: Double)] {
        var positions: [ByteString: Int] = [:]
        var result: [(member: ByteString, score: Double)] = []
        for input in inputs where input.count > 0 {
            for (member, score) in input.elements() {
                var weighted = input.weight * score
                if weighted.isNaN { weighted = 0 }
                if let position = positions[member] {
                    SortedSetAlgebraCommands.aggregate(&result[position].score, weighted, aggregate)
                } else {
                    positions[member] = result.count
                    result.append((member, weighted))
                }
            }
        }
        return result
    }

    /// Members of the first input in none of the others, with the first's scores (`zdiff`).
    static func difference(_ inputs: [Input]) -> [(member: ByteString, score: Double)] {
        guard let first = inputs.first else { return [] }
        return first.elements().filter { member, _ in
            !inputs.dropFirst().contains { $0.score(member) != nil }
        }
    }
}
