import Cairn

/// Checks a directive's arguments and renders the value the way Redis 7.0.15's
/// CONFIG GET prints it (config.c's `*ConfigSet` / `*ConfigGet` pairs), so the
/// stored string is both the canonical value and the CONFIG GET reply.
/// The reasons are config.c's error strings, word for word.
enum DirectiveValues {
    struct Invalid: Error, Equatable {
        let reason: String
    }

    /// Validates `arguments` (already split, without the directive name) and
    /// returns the rendered value.
    static func render(_ directive: Directive, _ arguments: [String]) throws(Invalid) -> String {
        switch directive.kind {
        case .boolean:
            switch arguments[0].lowercased() {
            case "yes": return "yes"
            case "no": return "no"
            default: throw Invalid(reason: "argument must be 'yes' or 'no'")
            }
        case .string:
            return arguments[0]
        case .enumeration(let names):
            return try renderEnumeration(names, arguments, multiple: directive.flags.contains(.multipleArguments))
        case .integer(let bounds, let unit, let unsigned):
            let value = try parseNumber(arguments[0], unit: unit)
            try checkBounds(value, bounds, unit: unit, unsigned: unsigned)
            return renderNumber(value, unit: unit)
        case .special:
            return try renderSpecial(directive.name, arguments)
        }
    }

    /// configEnumGetValue: names match case-insensitively; a multi-argument
    /// enum (shutdown-on-sigint) is a set of flags, rendered in table order,
    /// "default" when none is set.
    private static func renderEnumeration(_ names: [String], _ arguments: [String], multiple: Bool) throws(Invalid) -> String {
        let chosen = arguments.map { $0.lowercased() }
        let valid = multiple ? !chosen.isEmpty : chosen.count == 1
        guard valid, chosen.allSatisfy(names.contains) else {
            throw Invalid(reason: "argument(s) must be one of the following: " + names.joined(separator: ", "))
        }
        // configEnumGetName prints the first name with the value, and in
        // oom_score_adj_enum "relative" has the value of "yes".
        guard multiple else { return chosen[0] == "relative" && names.contains("yes") ? "yes" : chosen[0] }
        let flags = names.dropFirst().filter(chosen.contains)
        return flags.isEmpty ? names[0] : flags.joined(separator: " ")
    }

    // MARK: Numbers (numericParseString, numericBoundaryCheck, numericConfigGet)

    static func parseNumber(_ text: String, unit: Directive.NumberUnit) throws(Invalid) -> Int64 {
        let bytes = Array(text.utf8)
        switch unit {
        case .memory, .memoryOrPercent:
            if let value = memoryValue(bytes) { return value }
            if unit == .memoryOrPercent, bytes.count > 1, bytes.last == UInt8(ascii: "%"),
               let percent = Numbers.parseInteger(bytes.dropLast()), percent >= 0 {
                return -percent  // Redis stores a percentage as a negative number.
            }
            throw Invalid(reason: unit == .memory
                ? "argument must be a memory value" : "argument must be a memory or percent value")
        case .octal:
            if let value = octalValue(bytes) { return value }
            throw Invalid(reason: "argument couldn't be parsed as an octal number")
        case .plain:
            if let value = Numbers.parseInteger(bytes) { return value }
            throw Invalid(reason: "argument couldn't be parsed into an integer")
        }
    }

    /// memtoull (util.c): digits then an optional unit, case-insensitive;
    /// `k`/`m`/`g` are powers of 1000 and `kb`/`mb`/`gb` powers of 1024.
    /// Like strtoull, no digits reads as 0 and too many saturate; the product
    /// wraps as the C multiplication does.
    static func memoryValue(_ bytes: [UInt8]) -> Int64? {
        guard bytes.first != UInt8(ascii: "-") else { return nil }
        let digits = bytes.prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        let multiplier: UInt64
        switch String(decoding: bytes.dropFirst(digits.count), as: UTF8.self).lowercased() {
        case "", "b": multiplier = 1
        case "k": multiplier = 1000
        case "kb": multiplier = 1024
        case "m": multiplier = 1000 * 1000
        case "mb": multiplier = 1024 * 1024
        case "g": multiplier = 1000 * 1000 * 1000
        case "gb": multiplier = 1024 * 1024 * 1024
        default: return nil
        }
        guard digits.count < 128 else { return nil }
        var value: UInt64 = 0
        for digit in digits {
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (next, overflow2) = times10.addingReportingOverflow(UInt64(digit - UInt8(ascii: "0")))
            if overflow1 || overflow2 { value = .max; break }
            value = next
        }
        return Int64(bitPattern: value &* multiplier)
    }

    /// strtoll(value, 8) that must consume the whole string.
    private static func octalValue(_ bytes: [UInt8]) -> Int64? {
        var rest = bytes[...]
        let negative = rest.first == UInt8(ascii: "-")
        if negative || rest.first == UInt8(ascii: "+") { rest = rest.dropFirst() }
        guard !rest.isEmpty, let magnitude = Int64(String(decoding: rest, as: UTF8.self), radix: 8) else { return nil }
        return negative ? -magnitude : magnitude
    }

    private static func checkBounds(_ value: Int64, _ bounds: ClosedRange<Int64>, unit: Directive.NumberUnit, unsigned: Bool) throws(Invalid) {
        if unsigned {
            let raw = UInt64(bitPattern: value)
            if raw < UInt64(bounds.lowerBound) || raw > UInt64(bounds.upperBound) {
                let lower = unit == .octal ? String(bounds.lowerBound, radix: 8) : String(bounds.lowerBound)
                let upper = unit == .octal ? String(bounds.upperBound, radix: 8) : String(bounds.upperBound)
                throw Invalid(reason: "argument must be between \(lower) and \(upper) inclusive")
            }
        } else if unit == .memoryOrPercent && value < 0 {
            if value < bounds.lowerBound {
                throw Invalid(reason: "percentage argument must be less or equal to \(-bounds.lowerBound)")
            }
        } else if !bounds.contains(value) {
            throw Invalid(reason: "argument must be between \(bounds.lowerBound) and \(bounds.upperBound) inclusive")
        }
    }

    private static func renderNumber(_ value: Int64, unit: Directive.NumberUnit) -> String {
        switch unit {
        case .memoryOrPercent where value < 0: return "\(-value)%"
        case .memory, .memoryOrPercent: return String(UInt64(bitPattern: value))
        case .octal: return String(value, radix: 8)
        case .plain: return String(value)
        }
    }

    // MARK: Special directives

    private static func renderSpecial(_ name: String, _ arguments: [String]) throws(Invalid) -> String {
        switch name {
        case "save":
            return try renderSave(arguments)
        case "bind":
            // setConfigBindOption: at most CONFIG_BINDADDR_MAX (16); one empty
            // argument means "no addresses".
            guard arguments.count <= 16 else { throw Invalid(reason: "Too many bind addresses specified.") }
            return arguments.joined(separator: " ")
        case "dir":
            // Redis chdir()s here; Cairn keeps the path and the server opens it.
            guard arguments.count == 1 else { throw Invalid(reason: "wrong number of arguments") }
            return arguments[0]
        case "replicaof":
            guard arguments.count == 2 else { throw Invalid(reason: "wrong number of arguments") }
            if arguments[0].lowercased() == "no" && arguments[1].lowercased() == "one" { return "" }
            // A replica that silently ran as a primary would take writes its
            // operator expects it to refuse: refuse to start instead.
            throw Invalid(reason: "replication is not supported by Cairn (use 'replicaof no one' or remove the line)")
        case "client-output-buffer-limit":
            return try renderOutputBufferLimits(arguments)
        case "notify-keyspace-events":
            guard arguments.count == 1,
                  arguments[0].allSatisfy({ "Ag$lshzxeKEtmdn".contains($0) }) else {
                throw Invalid(reason: "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.")
            }
            return canonicalKeyspaceEvents(arguments[0])
        default:
            // oom-score-adj-values, latency-tracking-info-percentiles: Cairn does not use them and
            // keeps what was written.
            return arguments.joined(separator: " ")
        }
    }

    /// The event classes as CONFIG GET reports them (notify.c:
    /// keyspaceEventsStringToFlags then keyspaceEventsFlagsToString): each
    /// class once, in Redis's order, "A" for all of g$lshzxetd; K, E, m last.
    static func canonicalKeyspaceEvents(_ classes: String) -> String {
        let allClasses = "g$lshzxetd"
        var set = Set(classes)
        if set.contains("A") { set.formUnion(allClasses) }
        var result = allClasses.allSatisfy(set.contains) ? "A" : String("g$lshzxetdn".filter(set.contains))
        result += "KEm".filter(set.contains)
        return result
    }

    /// setConfigSaveOption: pairs of "seconds changes", seconds >= 1 and
    /// changes >= 0; a single "" clears the schedule.
    /// updateClientOutputBufferLimit: groups of `<class> <hard> <soft>
    /// <soft_seconds>`, all checked before any is taken; rendered in bytes
    /// (the classes given only: `merge` folds them into the current value).
    private static func renderOutputBufferLimits(_ arguments: [String]) throws(Invalid) -> String {
        guard arguments.count % 4 == 0 else { throw Invalid(reason: "Wrong number of arguments in buffer limit configuration.") }
        var groups: [String] = []
        for start in stride(from: 0, to: arguments.count, by: 4) {
            var name = arguments[start].lowercased()
            if name == "replica" { name = "slave" }
            guard ["normal", "slave", "pubsub"].contains(name) else {
                throw Invalid(reason: "Invalid client class specified in buffer limit configuration.")
            }
            guard let hard = memoryValue(Array(arguments[start + 1].utf8)),
                  let soft = memoryValue(Array(arguments[start + 2].utf8)),
                  let seconds = Int64(arguments[start + 3]), seconds >= 0 else {
                throw Invalid(reason: "Error in hard, soft or soft_seconds setting in buffer limit configuration.")
            }
            groups.append("\(name) \(UInt64(bitPattern: hard)) \(UInt64(bitPattern: soft)) \(seconds)")
        }
        return groups.joined(separator: " ")
    }

    /// The value to store when `rendered` is set over `current`: the given
    /// classes of client-output-buffer-limit replace theirs and the rest stay
    /// (CONFIG GET shows all three, in Redis's order); anything else as rendered.
    static func merge(_ directive: Directive, current: String?, rendered: String) -> String {
        guard directive.name == "client-output-buffer-limit" else { return rendered }
        var classes: [String: String] = [:]
        for text in [current ?? "", rendered] {
            let words = text.split(separator: " ").map(String.init)
            for start in stride(from: 0, to: words.count - 3, by: 4) {
                classes[words[start]] = words[start ... start + 3].joined(separator: " ")
            }
        }
        return ["normal", "slave", "pubsub"].compactMap { classes[$0] }.joined(separator: " ")
    }

    private static func renderSave(_ arguments: [String]) throws(Invalid) -> String {
        let pairs = arguments == [""] ? [] : arguments
        guard pairs.count % 2 == 0 else { throw Invalid(reason: "Invalid save parameters") }
        var values: [Int64] = []
        for (index, text) in pairs.enumerated() {
            // strtoll: an empty string reads as 0.
            guard let value = text.isEmpty ? 0 : Int64(text), value >= (index % 2 == 0 ? 1 : 0) else {
                throw Invalid(reason: "Invalid save parameters")
            }
            values.append(value)
        }
        return values.map(String.init).joined(separator: " ")
    }
}
