import Testing
@testable import CairnServer

/// redis-server's main(): how arguments become config lines.
@Suite struct CommandLineTests {
    let files = ["/etc/redis.conf": "port 7000\nsave 900 1\n", "-": "timeout 9\n"]

    func load(_ arguments: [String]) throws(ConfigurationError) -> (ServerConfiguration, ignored: [String]) {
        try ServerConfiguration.load(arguments: arguments) { path in
            guard let text = files[path] else { throw ServerConfiguration.IncludeUnavailable(path: path) }
            return text
        }
    }

    @Test func helpAndVersionOnlyAsFirstArgument() {
        #expect(ServerCommandLine.action(for: ["--help"]) == .help)
        #expect(ServerCommandLine.action(for: ["-h"]) == .help)
        #expect(ServerCommandLine.action(for: ["-v"]) == .version)
        #expect(ServerCommandLine.action(for: ["--version"]) == .version)
        #expect(ServerCommandLine.action(for: ["--port", "1", "--help"]) == .run)
        #expect(ServerCommandLine.action(for: []) == .run)
        #expect(ServerCommandLine.usage.hasPrefix("Usage: cairn-server [/path/to/redis.conf] [options] [-]"))
        #expect(ServerCommandLine.versionText(version: "0.1").contains("v=0.1"))
    }

    @Test func optionsBecomeQuotedConfigLines() {
        let sources = ServerCommandLine.configurationSources(
            ["/etc/redis.conf", "--port", "7001", "--replicaof", "h", "1", "--save", "--bind", "a b", "--maxmemory 5mb"])
        #expect(sources.configFile == "/etc/redis.conf")
        #expect(!sources.readsStandardInput)
        #expect(sources.options == "port \"7001\" \nreplicaof \"h\" \"1\" \nsave \"\"\nbind \"a b\" \nmaxmemory 5mb ")
        #expect(ServerCommandLine.quoted("a\"b\\\n\u{1}é") == #""a\"b\\\n\x01\xc3\xa9""#)
    }

    @Test func fileThenStdinThenOptions() throws {
        let (config, _) = try load(["/etc/redis.conf", "--port", "7002", "--save", ""])
        #expect(config.port == 7002)
        #expect(config.saveSchedule == [])
        let fromStdin = try load(["-", "--maxclients", "5"]).0
        #expect(fromStdin.timeoutSeconds == 9)
        #expect(fromStdin.maxClients == 5)
        let stdinLast = try load(["/etc/redis.conf", "--timeout", "1", "-"]).0
        #expect(stdinLast.timeoutSeconds == 1)  // options are parsed after stdin
        #expect(stdinLast.value(of: "save") == "900 1")
        let trailingSave = try load(["--port", "7003", "--save"]).0
        #expect(trailingSave.value(of: "save") == "")
        #expect(trailingSave.port == 7003)
    }

    /// redis-server 7.0.15, with a two-line file:
    ///
    ///     $ redis-server two.conf --port 70000
    ///     *** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***
    ///     Reading the configuration file, at line 4
    ///     >>> 'port "70000"'
    ///     argument must be between 0 and 65535 inclusive
    ///     $ redis-server --replicaof
    ///     ... at line 2 / >>> 'replicaof' / wrong number of arguments
    @Test func commandLineErrors() {
        // Line numbers count the file's lines, then the options (Redis appends "\n" + options).
        #expect(throws: ConfigurationError.badLine(file: nil, line: 4, text: "port \"70000\"",
                                                   reason: "argument must be between 0 and 65535 inclusive")) {
            try load(["/etc/redis.conf", "--port", "70000"])
        }
        #expect(throws: ConfigurationError.badLine(file: nil, line: 2, text: "nosuch \"1\"",
                                                   reason: "Bad directive or wrong number of arguments")) {
            try load(["--nosuch", "1"])
        }
        #expect(throws: ConfigurationError.badLine(file: nil, line: 2, text: "replicaof",
                                                   reason: "wrong number of arguments")) {
            try load(["--replicaof"])
        }
        #expect(throws: ConfigurationError.unreadable(file: "/nope.conf", reason: "IncludeUnavailable(path: \"/nope.conf\")")) {
            try load(["/nope.conf"])
        }
    }
}
