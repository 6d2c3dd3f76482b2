/// What `COMMAND INFO` and `COMMAND DOCS` say about a command beyond the
/// command table: Redis 7.0.15's documentation, explicit ACL categories,
/// tips and key specs, generated from src/commands/*.json into
/// CommandDocsTable.swift by scripts/command-docs-table.py.
struct CommandDocs: Sendable {
    /// A key spec (server.h keySpec): where the keys start and how to find the rest.
    struct KeySpec: Sendable {
        enum BeginSearch: Sendable {
            case unknown
            case index(Int)
            /// The keyword and where to start looking (negative: from the end, backwards).
            case keyword(String, Int)
        }
        enum FindKeys: Sendable {
            case unknown
            /// lastkey (relative to the first key; negative: from the end), keystep, limit.
            case range(Int, Int, Int)
            /// keynumidx, firstkey (both relative to the begin search), keystep.
            case keyNumber(Int, Int, Int)
        }
        /// In `COMMAND INFO`'s order and spelling (`RW`, `access`, `update`, ...).
        let flags: [String]
        let begin: BeginSearch
        let find: FindKeys
        let notes: String?

        init(_ flags: [String], _ begin: BeginSearch, _ find: FindKeys, notes: String? = nil) {
            self.flags = flags
            self.begin = begin
            self.find = find
            self.notes = notes
        }
    }

    /// One argument of `COMMAND DOCS` (server.h redisCommandArg).
    struct Arg: Sendable {
        let name: String
        /// `string`, `integer`, `key`, `pure-token`, `oneof`, `block`, ...
        let type: String
        let keySpec: Int?
        let token: String?
        let summary: String?
        let since: String?
        let deprecatedSince: String?
        /// `optional`, `multiple`, `multiple_token`.
        let flags: [String]
        let arguments: [Arg]

        init(_ name: String, _ type: String, keySpec: Int? = nil, token: String? = nil, summary: String? = nil,
             since: String? = nil, deprecatedSince: String? = nil, flags: [String] = [], arguments: [Arg] = []) {
            self.name = name
            self.type = type
            self.keySpec = keySpec
            self.token = token
            self.summary = summary
            self.since = since
            self.deprecatedSince = deprecatedSince
            self.flags = flags
            self.arguments = arguments
        }
    }

    /// Full name: `get`, `config|get`.
    let name: String
    let summary: String?
    let since: String?
    /// As `COMMAND DOCS` spells it (`sorted-set`, not the json's `sorted_set`).
    let group: String
    let complexity: String?
    let docFlags: [String]
    let deprecatedSince: String?
    let replacedBy: String?
    let history: [(String, String)]
    /// The json's categories; the ones implied by the flags are added when replying.
    let aclCategories: [String]
    let tips: [String]
    let keySpecs: [KeySpec]
    let arguments: [Arg]

    init(_ name: String, summary: String? = nil, since: String? = nil, group: String, complexity: String? = nil,
         docFlags: [String] = [], deprecatedSince: String? = nil, replacedBy: String? = nil,
         history: [(String, String)] = [], aclCategories: [String] = [], tips: [String] = [],
         keySpecs: [KeySpec] = [], arguments: [Arg] = []) {
        self.name = name
        self.summary = summary
        self.since = since
        self.group = group
        self.complexity = complexity
        self.docFlags = docFlags
        self.deprecatedSince = deprecatedSince
        self.replacedBy = replacedBy
        self.history = history
        self.aclCategories = aclCategories
        self.tips = tips
        self.keySpecs = keySpecs
        self.arguments = arguments
    }

    /// The entry for a full command name, if Redis's json has one.
    static func named(_ name: String) -> CommandDocs? { byName[name] }

    private static let byName: [String: CommandDocs] = Dictionary(uniqueKeysWithValues: table.map { ($0.name, $0) })
}
