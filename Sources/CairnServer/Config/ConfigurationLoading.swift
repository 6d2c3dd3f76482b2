import CairnRESP

extension ServerConfiguration {
    /// Builds the configuration from redis-server's command line
    /// (`[config-file] [--name value ...] [-]`, without the executable's name):
    /// the file, then stdin when `-` is given (read as `readFile("-")`), then
    /// the options, parsed as one text as Redis does. Check
    /// `ServerCommandLine.action(for:)` for --help/--version first.
    ///
    /// Returns the names of the directives Cairn accepted but does not act on,
    /// in order of first appearance, for the server to log once.
    public static func load(
        arguments: [String],
        readFile: (String) throws -> String
    ) throws(ConfigurationError) -> (ServerConfiguration, ignored: [String]) {
        let commandLine = ServerCommandLine.configurationSources(arguments)
        var text = ""
        if let file = commandLine.configFile { text += try read(file, readFile) }
        if commandLine.readsStandardInput { text += try read("-", readFile) }
        text += "\n" + commandLine.options
        return try load(text: text, readFile: readFile)
    }

    /// Parses configuration text (redis.conf syntax). `readFile` serves
    /// `include`.
    public static func load(
        text: String,
        readFile: (String) throws -> String = { path in throw IncludeUnavailable(path: path) }
    ) throws(ConfigurationError) -> (ServerConfiguration, ignored: [String]) {
        var loader = Loader()
        try loader.parse(text, file: nil, depth: 0, readFile: readFile)
        loader.clampHz()
        return (loader.configuration, loader.ignored)
    }

    /// The default `readFile` of `load(text:)`: it has no file system.
    public struct IncludeUnavailable: Error {
        public let path: String
        public init(path: String) { self.path = path }
    }

    private static func read(_ path: String, _ readFile: (String) throws -> String) throws(ConfigurationError) -> String {
        do {
            return try readFile(path)
        } catch {
            throw .unreadable(file: path, reason: "\(error)")
        }
    }

    /// loadServerConfigFromString, line by line.
    private struct Loader {
        var configuration = ServerConfiguration()
        var ignored: [String] = []
        /// Redis's `save_loaded`: the first `save` line replaces the default
        /// schedule, later ones add to it (redis.conf lists one point a line).
        var saveLoaded = false

        /// Deprecated directives Redis 7.0.15 still swallows with one argument.
        static let deprecated: Set<String> = ["list-max-ziplist-entries", "list-max-ziplist-value", "lua-replicate-commands"]

        mutating func parse(
            _ text: String, file: String?, depth: Int, readFile: (String) throws -> String
        ) throws(ConfigurationError) {
            // Bytes, not Characters: "\r\n" is one Character in Swift.
            for (index, rawLine) in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
                let line = trimmed(rawLine)
                if line.isEmpty || line.first == UInt8(ascii: "#") { continue }
                let includePath: String?
                do {
                    includePath = try apply(line)
                } catch {
                    throw .badLine(file: file, line: index + 1, text: String(decoding: line, as: UTF8.self), reason: error.reason)
                }
                if let includePath {
                    // `include path`: parsed where it stands, with its own line numbers.
                    guard depth < 16 else {
                        throw .badLine(file: file, line: index + 1, text: String(decoding: line, as: UTF8.self),
                                       reason: "include nested too deeply (16 levels)")
                    }
                    try parse(try ServerConfiguration.read(includePath, readFile), file: includePath,
                              depth: depth + 1, readFile: readFile)
                }
            }
        }

        /// Applies one line; returns the path of an `include`, which the caller
        /// parses so its errors carry the included file's own line numbers.
        private mutating func apply(_ line: [UInt8]) throws(DirectiveValues.Invalid) -> String? {
            guard let split = splitArguments(line) else {
                throw .init(reason: "Unbalanced quotes in configuration line")
            }
            var argv = split.map { String(decoding: $0, as: UTF8.self) }
            guard !argv.isEmpty else { return nil }
            argv[0] = argv[0].lowercased()
            let name = argv[0]

            if let directive = DirectiveTable.lookup(name) {
                var arguments = Array(argv.dropFirst())
                if !directive.flags.contains(.multipleArguments) {
                    guard arguments.count == 1 else { throw .init(reason: "wrong number of arguments") }
                } else if arguments.count == 1 && !arguments[0].isEmpty {
                    // `--save "3600 1 300 100"`: one argument holding several.
                    guard let inner = splitArguments(Array(arguments[0].utf8)) else {
                        throw .init(reason: "Unbalanced quotes in configuration line")
                    }
                    arguments = inner.map { String(decoding: $0, as: UTF8.self) }
                }
                try store(directive, arguments, name: name)
                return nil
            }
            if Self.deprecated.contains(name) && argv.count == 2 {
                noteIgnored(name)
                return nil
            }
            switch name {
            case "include" where argv.count == 2:
                // Redis also expands wildcards; Cairn does not.
                guard !argv[1].contains(where: { "*?[".contains($0) }) else {
                    throw .init(reason: "include with wildcards is not supported by Cairn")
                }
                return argv[1]
            case "rename-command" where argv.count == 3:
                throw .init(reason: "rename-command is not supported by Cairn (use ACLs in a later version, or remove the line)")
            case "user" where argv.count >= 2:
                throw .init(reason: "user (ACL) directives are not supported by Cairn: use requirepass")
            case "loadmodule" where argv.count >= 2:
                throw .init(reason: "modules are not supported by Cairn")
            case "sentinel":
                throw .init(reason: "sentinel mode is not supported by Cairn")
            default:
                if name.contains(".") { throw .init(reason: "module configs are not supported by Cairn") }
                throw .init(reason: "Bad directive or wrong number of arguments")
            }
        }

        private mutating func store(_ directive: Directive, _ arguments: [String], name: String) throws(DirectiveValues.Invalid) {
            var rendered = DirectiveValues.merge(directive, current: configuration.value(of: directive.name),
                                                 rendered: try DirectiveValues.render(directive, arguments))
            if directive.name == "save" {
                let previous = configuration.value(of: "save") ?? ""
                if saveLoaded && !previous.isEmpty && !rendered.isEmpty { rendered = previous + " " + rendered }
                // `save ""` clears everything, including earlier lines.
                if arguments.isEmpty || arguments == [""] { rendered = "" }
                saveLoaded = true
            }
            // Cairn has exactly the 16 databases Redis has by default.
            if directive.name == "databases" && rendered != "16" {
                throw .init(reason: "Cairn has exactly 16 databases; remove the line or set it to 16")
            }
            configuration.store(directive, rendered)
            if !DirectiveTable.implemented.contains(directive.name) { noteIgnored(name) }
        }

        /// After loading, Redis brings `hz` into 1...500 (CONFIG_MIN_HZ,
        /// CONFIG_MAX_HZ) rather than refusing old files.
        mutating func clampHz() {
            guard let directive = DirectiveTable.lookup("hz"), let hz = Int(configuration.value(of: "hz") ?? "") else { return }
            configuration.store(directive, String(min(max(hz, 1), 500)))
        }

        private mutating func noteIgnored(_ name: String) {
            if !ignored.contains(name) { ignored.append(name) }
        }

        /// sdstrim(line, " \t\r\n").
        private func trimmed(_ line: Substring.UTF8View.SubSequence) -> [UInt8] {
            let blanks: [UInt8] = [0x20, 0x09, 0x0D, 0x0A]
            var slice = line
            while let first = slice.first, blanks.contains(first) { slice = slice.dropFirst() }
            while let last = slice.last, blanks.contains(last) { slice = slice.dropLast() }
            return Array(slice)
        }
    }
}
