import Cairn

/// The `COMMAND` command: Redis 7.0.15's replies (server.c commandCommand
/// and its subcommands) over a command list, normally
/// `CommandTable.all + ServerCommandTable.all`. Table facts (name, arity,
/// flags, first/last/step) come from the `CommandSpec`s; documentation, ACL
/// categories, tips and key specs from Redis's json (CommandDocsTable.swift).
///
/// ```swift
/// let introspection = CommandIntrospection()
/// introspection.reply(to: ["COMMAND", "INFO", "get"].map { Array($0.utf8) })
/// // [["get", 2, {readonly, fast}, 1, 1, 1, {@read, @string, @fast}, {}, {key spec}, []]]
/// ```
public struct CommandIntrospection: Sendable {
    /// Every top-level command, in the order `COMMAND` lists them.
    public let commands: [CommandSpec]
    private let byName: [String: CommandSpec]

    public init(commands: [CommandSpec] = CommandTable.all + ServerCommandTable.all) {
        self.commands = commands
        self.byName = Dictionary(commands.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The reply to a whole `COMMAND ...` request (`argv[0]` is `COMMAND`).
    public func reply(to argv: [Bytes]) -> Reply {
        guard argv.count >= 2 else { return .array(commands.map(info)) }
        let name = Self.text(argv[1]).lowercased()
        guard let sub = byName["command"]?.subcommands.first(where: { $0.name == "command|" + name }) ?? Self.fallback(name) else {
            return .error("ERR unknown subcommand '\(Self.text(argv[1]).prefix(128))'. Try COMMAND HELP.")
        }
        guard sub.accepts(argumentCount: argv.count) else {
            return .error("ERR wrong number of arguments for '\(sub.name)' command")
        }
        let names = argv.dropFirst(2).map(Self.text)
        switch name {
        case "count": return .integer(Int64(commands.count))
        case "info": return names.isEmpty ? .array(commands.map(info)) : .array(names.map { lookup($0).map(info) ?? .null })
        case "docs": return docs(names)
        case "list": return list(Array(argv.dropFirst(2)))
        case "getkeys": return keys(Array(argv.dropFirst(2)), withFlags: false)
        case "getkeysandflags": return keys(Array(argv.dropFirst(2)), withFlags: true)
        default: return Self.help
        }
    }

    /// The command a full name names: `get`, `config|get` (lookupCommandBySds).
    func lookup(_ fullName: String) -> CommandSpec? {
        let parts = fullName.lowercased().split(separator: "|", omittingEmptySubsequences: false)
        guard let base = byName[String(parts[0])] else { return nil }
        if parts.count == 1 { return base }
        guard parts.count == 2 else { return nil }
        return base.subcommands.first { $0.name == fullName.lowercased() }
    }

    /// The command an argv runs (lookupCommandLogic): the container's subcommand when it has them.
    func lookup(argv: [Bytes]) -> CommandSpec? {
        guard let base = byName[Self.text(argv[0]).lowercased()] else { return nil }
        guard argv.count > 1, !base.subcommands.isEmpty else { return base }
        return base.subcommands.first { $0.name == base.name + "|" + Self.text(argv[1]).lowercased() }
    }

    /// COMMAND LIST [FILTERBY MODULE name|ACLCAT category|PATTERN pattern].
    private func list(_ options: [Bytes]) -> Reply {
        var filter: ((CommandSpec) -> Bool)?
        var index = 0
        while index < options.count {
            guard options[index].lowercasedText == "filterby", options.count - 1 - index == 2 else { return .error("ERR syntax error") }
            let argument = options[index + 2]
            switch options[index + 1].lowercasedText {
            case "module": filter = { _ in false }  // Cairn has no modules
            case "aclcat":
                let category = argument.lowercasedText
                filter = { Self.aclCategories(of: $0).contains(category) }
            case "pattern": filter = { Glob.matches(pattern: argument, Array($0.name.utf8), ignoringCase: true) }
            default: return .error("ERR syntax error")
            }
            index += 3
        }
        var names: [Reply] = []
        for spec in commands {
            for command in [spec] + spec.subcommands where filter?(command) ?? true {
                names.append(.bulk(Array(command.name.utf8)))
            }
        }
        return .array(names)
    }

    /// COMMAND GETKEYS / GETKEYSANDFLAGS (db.c getKeysUsingKeySpecs).
    private func keys(_ argv: [Bytes], withFlags: Bool) -> Reply {
        guard let spec = lookup(argv: argv) else { return .error("ERR Invalid command specified") }
        let specs = CommandDocs.named(spec.name)?.keySpecs ?? []
        guard specs.contains(where: { !$0.flags.contains("not_key") }) else {
            return .error("ERR The command has no key arguments")
        }
        guard spec.accepts(argumentCount: argv.count) else {
            return .error("ERR Invalid number of arguments specified for command")
        }
        // Specs with variable flags defer to the command's own key function (db.c getKeysFromCommandWithSpecs).
        let variable = specs.contains { $0.flags.contains("variable_flags") }
        // Specs that cannot be followed (SORT's BY/GET/STORE are "unknown") fall back to it too.
        let found = variable ? Self.variableFlagKeys(argv, command: spec.name)
            : Self.keyPositions(argv, specs: specs) ?? Self.variableFlagKeys(argv, command: spec.name)
        guard let found, !found.isEmpty else {
            return spec.flags.contains(.noMandatoryKeys) ? .array([]) : .error("ERR Invalid arguments specified for command")
        }
        return .array(found.map { position, flags in
            withFlags ? .array([.bulk(argv[position]), .set(flags.map(Reply.simple))]) : .bulk(argv[position])
        })
    }

    /// The key positions the specs find, or nil when one does not fit the arguments.
    static func keyPositions(_ argv: [Bytes], specs: [CommandDocs.KeySpec]) -> [(Int, [String])]? {
        let count = argv.count
        var found: [(Int, [String])] = []
        for spec in specs where !spec.flags.contains("not_key") {
            var first = 0
            switch spec.begin {
            case .unknown: return nil
            case .index(let position): first = position
            case .keyword(let keyword, let startFrom):
                let start = startFrom > 0 ? startFrom : count + startFrom
                let end = startFrom > 0 ? count - 1 : 1
                var index = start
                while index != end, index < count, index >= 1 {
                    if argv[index].lowercasedText == keyword.lowercased() { first = index + 1; break }
                    index += start <= end ? 1 : -1
                }
                if first == 0 { continue }
            }
            let last: Int, step: Int
            switch spec.find {
            case .unknown: return nil
            case .range(let lastKey, let keyStep, let limit):
                step = keyStep
                if lastKey >= 0 { last = first + lastKey }
                else if limit == 0 { last = count + lastKey }
                else { last = first + ((count - first) / limit + lastKey) }
            case .keyNumber(let index, let firstKey, let keyStep):
                step = keyStep
                guard index < count, first + index < count,
                      let number = Int(Self.text(argv[first + index])), number >= 0 else { return nil }
                first += firstKey
                last = first + number - 1
            }
            if last >= count || last < first || first >= count { return nil }
            for position in stride(from: first, through: last, by: max(step, 1)) {
                found.append((position, spec.flags))
            }
            if spec.flags.contains("incomplete") { return nil }
        }
        return found
    }

    /// db.c setGetKeys and bitfieldGetKeys: the key's flags depend on the
    /// arguments (`SET ... GET` reads, `BITFIELD` with only GETs is read-only);
    /// sortGetKeys and sortROGetKeys: the key specs cannot find STORE.
    static func variableFlagKeys(_ argv: [Bytes], command: String) -> [(Int, [String])]? {
        switch command {
        case "sort_ro":
            return [(1, ["RO", "access"])]
        case "sort":
            return sortKeys(argv)
        case "set":
            let reads = argv.dropFirst(3).contains { $0.lowercasedText == "get" }
            return [(1, reads ? ["RW", "access", "update"] : ["OW", "update"])]
        case "bitfield":
            var readonly = true
            var index = 2
            while index < argv.count {
                let remaining = argv.count - index - 1
                let word = argv[index].lowercasedText
                if word == "get", remaining >= 2 { index += 3 }
                else if word == "overflow", remaining >= 1 { index += 2 }
                else { readonly = false; break }  // SET/INCRBY, or a syntax error: assume a write
            }
            return [(1, readonly ? ["RO", "access"] : ["RW", "access", "update"])]
        default:
            return nil
        }
    }

    /// db.c sortGetKeys: skips LIMIT's two arguments and GET's and BY's one,
    /// takes the word after the last STORE (any other word is skipped alone,
    /// so a STORE destination is itself read as an option name next).
    static func sortKeys(_ argv: [Bytes]) -> [(Int, [String])] {
        var store: Int?
        var index = 2
        while index < argv.count {
            let word = argv[index].lowercasedText
            if word == "limit" { index += 2 }
            else if word == "get" || word == "by" { index += 1 }
            else if word == "store", index + 1 < argv.count { store = index + 1 }
            index += 1
        }
        return [(1, ["RO", "access"])] + (store.map { [($0, ["OW", "update"])] } ?? [])
    }

    /// Redis's ACL categories in acl.c's order, which `COMMAND INFO` keeps.
    static let categoryOrder = [
        "keyspace", "read", "write", "set", "sortedset", "list", "hash", "string", "bitmap", "hyperloglog", "geo",
        "stream", "pubsub", "admin", "fast", "slow", "blocking", "dangerous", "connection", "transaction", "scripting",
    ]

    /// The json's categories plus those the flags imply (server.c setImplicitACLCategories).
    static func aclCategories(of spec: CommandSpec) -> [String] {
        var categories = Set(CommandDocs.named(spec.name)?.aclCategories ?? [])
        if spec.flags.contains(.write) { categories.insert("write") }
        if spec.flags.contains(.readonly), !categories.contains("scripting") { categories.insert("read") }
        if spec.flags.contains(.admin) { categories.formUnion(["admin", "dangerous"]) }
        if spec.flags.contains(.pubsub) { categories.insert("pubsub") }
        if spec.flags.contains(.fast) { categories.insert("fast") }
        if spec.flags.contains(.mayBlock) { categories.insert("blocking") }
        if !categories.contains("fast") { categories.insert("slow") }
        return categoryOrder.filter(categories.contains)
    }

    static let help: Reply = .array([
        "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "(no subcommand)",
        "    Return details about all Redis commands.",
        "COUNT",
        "    Return the total number of commands in this Redis server.",
        "LIST",
        "    Return a list of all commands in this Redis server.",
        "INFO [<command-name> ...]",
        "    Return details about multiple Redis commands.",
        "    If no command names are given, documentation details for all",
        "    commands are returned.",
        "DOCS [<command-name> ...]",
        "    Return documentation details about multiple Redis commands.",
        "    If no command names are given, documentation details for all",
        "    commands are returned.",
        "GETKEYS <full-command>",
        "    Return the keys from a full Redis command.",
        "GETKEYSANDFLAGS <full-command>",
        "    Return the keys and the access flags from a full Redis command.",
        "HELP",
        "    Prints this help.",
    ].map(Reply.simple))

    /// `COMMAND`'s own subcommands, for a command list that leaves `COMMAND` out.
    private static func fallback(_ name: String) -> CommandSpec? {
        ServerCommandTable.lookup(Array("command".utf8))?.subcommands.first { $0.name == "command|" + name }
    }

    static func text(_ bytes: Bytes) -> String { String(decoding: bytes, as: UTF8.self) }
}

extension Array where Element == UInt8 {
    fileprivate var lowercasedText: String { String(decoding: self, as: UTF8.self).lowercased() }
}
