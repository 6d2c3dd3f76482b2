import Cairn

/// The per-command entries of `COMMAND INFO` and `COMMAND DOCS`, field by
/// field as server.c addReplyCommandInfo and addReplyCommandDocs write them.
extension CommandIntrospection {
    /// `COMMAND INFO`'s entry: name, arity, flags, first key, last key,
    /// step, ACL categories, tips, key specs, subcommands.
    func info(_ spec: CommandSpec) -> Reply {
        let docs = CommandDocs.named(spec.name)
        return .array([
            .bulk(Array(spec.name.utf8)),
            .integer(Int64(spec.arity)),
            .set(spec.flags.names.filter { $0 != "random" }.map(Reply.simple)),
            .integer(Int64(spec.firstKey)),
            .integer(Int64(spec.lastKey)),
            .integer(Int64(spec.keyStep)),
            .set(Self.aclCategories(of: spec).map { .simple("@" + $0) }),
            .set((docs?.tips ?? []).map(Self.bulk)),
            .set((docs?.keySpecs ?? []).map(Self.keySpec)),
            spec.subcommands.isEmpty ? .set([]) : .array(Self.byName(spec.subcommands).map(info)),
        ])
    }

    /// COMMAND DOCS [name ...]: a map of full name to documentation; unknown names are skipped.
    func docs(_ names: [String]) -> Reply {
        let specs = names.isEmpty ? commands : names.compactMap { lookup($0) }
        return .map(specs.flatMap { [Self.bulk($0.name), docs(of: $0)] })
    }

    func docs(of spec: CommandSpec) -> Reply {
        var fields: [Reply] = []
        func add(_ key: String, _ value: Reply) { fields += [Self.bulk(key), value] }
        let docs = CommandDocs.named(spec.name)
        if let summary = docs?.summary { add("summary", Self.bulk(summary)) }
        if let since = docs?.since { add("since", Self.bulk(since)) }
        add("group", Self.bulk(docs?.group ?? spec.group))
        if let complexity = docs?.complexity { add("complexity", Self.bulk(complexity)) }
        if let docs {
            if !docs.docFlags.isEmpty { add("doc_flags", .set(docs.docFlags.map(Reply.simple))) }
            if let since = docs.deprecatedSince { add("deprecated_since", Self.bulk(since)) }
            if let replacement = docs.replacedBy { add("replaced_by", Self.bulk(replacement)) }
            if !docs.history.isEmpty {
                add("history", .set(docs.history.map { .array([Self.bulk($0.0), Self.bulk($0.1)]) }))
            }
            if !docs.arguments.isEmpty { add("arguments", Self.arguments(docs.arguments)) }
        }
        if !spec.subcommands.isEmpty {
            add("subcommands", .map(Self.byName(spec.subcommands).flatMap { [Self.bulk($0.name), self.docs(of: $0)] }))
        }
        return .map(fields)
    }

    /// server.c addReplyCommandArgList.
    static func arguments(_ arguments: [CommandDocs.Arg]) -> Reply {
        .array(arguments.map { argument in
            var fields: [Reply] = [bulk("name"), bulk(argument.name), bulk("type"), bulk(argument.type)]
            func add(_ key: String, _ value: Reply) { fields += [bulk(key), value] }
            if let index = argument.keySpec { add("key_spec_index", .integer(Int64(index))) }
            if let token = argument.token { add("token", bulk(token)) }
            if let summary = argument.summary { add("summary", bulk(summary)) }
            if let since = argument.since { add("since", bulk(since)) }
            if let since = argument.deprecatedSince { add("deprecated_since", bulk(since)) }
            if !argument.flags.isEmpty { add("flags", .set(argument.flags.map(Reply.simple))) }
            if argument.type == "oneof" || argument.type == "block" { add("arguments", Self.arguments(argument.arguments)) }
            return .map(fields)
        })
    }

    /// server.c addReplyCommandKeySpecs.
    static func keySpec(_ spec: CommandDocs.KeySpec) -> Reply {
        var fields: [Reply] = []
        if let notes = spec.notes { fields += [bulk("notes"), bulk(notes)] }
        fields += [bulk("flags"), .set(spec.flags.map(Reply.simple))]
        let begin: Reply
        switch spec.begin {
        case .unknown: begin = typed("unknown", [])
        case .index(let position): begin = typed("index", [bulk("index"), .integer(Int64(position))])
        case .keyword(let keyword, let startFrom):
            begin = typed("keyword", [bulk("keyword"), bulk(keyword), bulk("startfrom"), .integer(Int64(startFrom))])
        }
        let find: Reply
        switch spec.find {
        case .unknown: find = typed("unknown", [])
        case .range(let lastKey, let keyStep, let limit):
            find = typed("range", [bulk("lastkey"), .integer(Int64(lastKey)), bulk("keystep"), .integer(Int64(keyStep)),
                                   bulk("limit"), .integer(Int64(limit))])
        case .keyNumber(let index, let firstKey, let keyStep):
            find = typed("keynum", [bulk("keynumidx"), .integer(Int64(index)), bulk("firstkey"), .integer(Int64(firstKey)),
                                    bulk("keystep"), .integer(Int64(keyStep))])
        }
        return .map(fields + [bulk("begin_search"), begin, bulk("find_keys"), find])
    }

    private static func typed(_ type: String, _ spec: [Reply]) -> Reply {
        .map([bulk("type"), bulk(type), bulk("spec"), .map(spec)])
    }

    /// Subcommands in name order: Redis walks a hash table, so any order is
    /// Redis's; a fixed one keeps replies comparable.
    static func byName(_ subcommands: [CommandSpec]) -> [CommandSpec] {
        subcommands.sorted { $0.name < $1.name }
    }

    static func bulk(_ text: String) -> Reply { .bulk(Array(text.utf8)) }
}
