import Testing
@testable import CairnServer

/// redis.conf parsing (loadServerConfigFromString). Error texts are
/// redis-server 7.0.15's: `redis-server bad.conf` with "# comment", a blank
/// line, then the line shown printed, e.g.
///
///     *** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***
///     Reading the configuration file, at line 3
///     >>> 'appendfsync sometimes'
///     argument(s) must be one of the following: everysec, always, no
@Suite struct ConfigurationFileTests {
    func load(_ text: String) throws(ConfigurationError) -> (ServerConfiguration, ignored: [String]) {
        try ServerConfiguration.load(text: text)
    }

    func error(_ text: String) -> ConfigurationError? {
        do {
            _ = try load(text)
            return nil
        } catch {
            return error
        }
    }

    @Test func commentsBlankLinesQuotesAndCase() throws {
        let (config, ignored) = try load("""
            # A redis.conf
              
            PORT 7000\r
            bind 0.0.0.0 ::
            requirepass "s3cr\\x65t pass"
            dir '/var/lib/cairn'
            appendfsync ALWAYS
            protected-mode No
            loglevel warning
            logfile ""
            maxclients 500
            timeout 30
            auto-aof-rewrite-percentage 50
            auto-aof-rewrite-min-size 1gb
            proto-max-bulk-len 1mb
            """)
        #expect(ignored == [])
        #expect(config.port == 7000)
        #expect(config.bindAddresses == ["0.0.0.0", "::"])
        #expect(config.requirePassword == "s3cret pass")
        #expect(config.dataDirectory == "/var/lib/cairn")
        #expect(config.appendFsync == .always)
        #expect(config.value(of: "appendfsync") == "always")
        #expect(!config.protectedMode)
        #expect(config.logLevel == .warning)
        #expect(config.logFile == "")
        #expect(config.maxClients == 500)
        #expect(config.timeoutSeconds == 30)
        #expect(config.autoRewritePercentage == 50)
        #expect(config.autoRewriteMinSizeBytes == 1 << 30)
        #expect(config.protoMaxBulkLengthBytes == 1 << 20)
    }

    @Test func redisDirectivesCairnDoesNotUseAreKeptAndReportedOnce() throws {
        let (config, ignored) = try load("""
            daemonize no
            appendonly yes
            maxmemory 100mb
            databases 16
            appendonly no
            list-max-ziplist-entries 512
            replicaof no one
            client-output-buffer-limit pubsub 32mb 8mb 60
            """)
        #expect(ignored == ["daemonize", "appendonly",
                            "maxmemory", "databases", "list-max-ziplist-entries", "replicaof"])
        #expect(config.value(of: "appendonly") == "no")
        #expect(config.value(of: "maxmemory") == "104857600")
    }

    @Test func errorsNameTheLineAndTheDirective() {
        let cases: [(String, String)] = [
            ("port 70000", "argument must be between 0 and 65535 inclusive"),
            ("appendfsync sometimes", "argument(s) must be one of the following: everysec, always, no"),
            ("protected-mode maybe", "argument must be 'yes' or 'no'"),
            ("foo bar", "Bad directive or wrong number of arguments"),
            ("maxmemory 10zb", "argument must be a memory value"),
            ("save 3600", "Invalid save parameters"),
            ("bind a b c d e f g h i j k l m n o p q", "Too many bind addresses specified."),
            ("port \"6379", "Unbalanced quotes in configuration line"),
            ("daemonize", "wrong number of arguments"),
            ("timeout -1", "argument must be between 0 and 2147483647 inclusive"),
            ("maxclients 0", "argument must be between 1 and 4294967295 inclusive"),
            ("port 12ab", "argument couldn't be parsed into an integer"),
        ]
        for (line, reason) in cases {
            let error = error("# comment\n\n\(line)\n")
            #expect(error == .badLine(file: nil, line: 3, text: line, reason: reason))
        }
        let shown = error("# comment\n\nport 70000\n")?.description ?? ""
        #expect(shown.contains("at line 3\n>>> 'port 70000'\nargument must be between 0 and 65535 inclusive"))
    }

    @Test func whatCairnCannotHonourIsRefusedClearly() {
        for line in ["rename-command FLUSHALL \"\"", "replicaof 10.0.0.1 6379", "databases 32",
                     "user alice on >pw ~* +@all", "loadmodule /x.so", "mymodule.option 1",
                     "include /etc/redis/*.conf"] {
            guard case .badLine(_, 1, let text, let reason)? = error(line) else {
                Issue.record("\(line) was accepted")
                continue
            }
            #expect(text == line)
            #expect(reason.contains("Cairn"), "\(reason)")
        }
    }

    @Test func saveLinesAccumulateAndEmptyClears() throws {
        // redis-server with "save 900 1\nsave 300 10": CONFIG GET save -> "900 1 300 10".
        #expect(try load("save 900 1\nsave 300 10").0.value(of: "save") == "900 1 300 10")
        #expect(try load("save \"\"").0.saveSchedule == [])
        #expect(try load("save 900 1\nsave \"\"").0.value(of: "save") == "")
        #expect(try load("save \"60 5 10 1\"").0.saveSchedule == [.init(seconds: 60, changes: 5),
                                                                 .init(seconds: 10, changes: 1)])
        #expect(error("save 0 1") != nil)
        #expect(error("save 10 -1") != nil)
    }

    @Test func numbersUnitsAndPercentages() throws {
        let (config, _) = try load("""
            auto-aof-rewrite-min-size 64k
            maxmemory-clients 10%
            unixsocketperm 700
            proto-max-bulk-len 2GB
            """)
        #expect(config.autoRewriteMinSizeBytes == 64000)
        #expect(config.value(of: "maxmemory-clients") == "10%")
        #expect(config.value(of: "unixsocketperm") == "700")
        #expect(config.protoMaxBulkLengthBytes == 2 << 30)
        #expect(try load("hz 1000").0.value(of: "hz") == "500")  // redis-server: CONFIG GET hz -> 500
        #expect(try load("hz 0").0.value(of: "hz") == "1")
        #expect(error("proto-max-bulk-len 1000")?.replyMessage
                == "ERR argument must be between 1048576 and 9223372036854775807 inclusive")
        #expect(error("maxmemory-clients 101%")?.replyMessage == "ERR percentage argument must be less or equal to 100")
        #expect(error("unixsocketperm 800")?.replyMessage == "ERR argument couldn't be parsed as an octal number")
    }

    @Test func includeReadsTheFileWithItsOwnLineNumbers() throws {
        let files = ["/etc/base.conf": "port 7001\nmaxmemory 1mb\n", "/etc/bad.conf": "\nport 99999\n"]
        let read: (String) throws -> String = { path in
            guard let text = files[path] else { throw ServerConfiguration.IncludeUnavailable(path: path) }
            return text
        }
        let (config, ignored) = try ServerConfiguration.load(text: "include /etc/base.conf\ntimeout 5", readFile: read)
        #expect(config.port == 7001)
        #expect(config.timeoutSeconds == 5)
        #expect(ignored == ["maxmemory"])
        #expect(throws: ConfigurationError.badLine(file: "/etc/bad.conf", line: 2, text: "port 99999",
                                                   reason: "argument must be between 0 and 65535 inclusive")) {
            try ServerConfiguration.load(text: "include /etc/bad.conf", readFile: read)
        }
        #expect(throws: ConfigurationError.self) {
            try ServerConfiguration.load(text: "include /missing.conf", readFile: read)
        }
        #expect(throws: ConfigurationError.self) {
            try ServerConfiguration.load(text: "include /loop.conf", readFile: { _ in "include /loop.conf" })
        }
    }
}
