import Testing
@testable import CairnServer

/// CONFIG GET / CONFIG SET; the error replies are redis-server 7.0.15's, e.g.
///
///     > CONFIG SET port 7412 daemonize yes
///     (error) ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set immutable config
///     > CONFIG SET foo 1 daemonize yes
///     (error) ERR Unknown option or number of arguments for CONFIG SET - 'foo'
///     > CONFIG SET timeout 1 timeout 2
///     (error) ERR CONFIG SET failed (possibly related to argument 'timeout') - duplicate parameter
///     > CONFIG SET timeout 5 maxmemory 1zz     (then CONFIG GET timeout -> 0)
///     (error) ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value
@Suite struct ConfigSetGetTests {
    func setError(_ pairs: [(String, String)]) -> String? {
        var config = ServerConfiguration()
        do {
            try config.set(pairs)
            return nil
        } catch {
            #expect(config.get(pattern: "*").map(\.value) == ServerConfiguration().get(pattern: "*").map(\.value))
            return error.replyMessage
        }
    }

    @Test func setSeveralAtOnce() throws {
        var config = ServerConfiguration()
        try config.set([("PORT", "7000"), ("save", "10 1 20 2"), ("bind", "* -::*"), ("maxmemory", "1kb"),
                        ("requirepass", "pw"), ("appendfsync", "No")])
        #expect(config.port == 7000)
        #expect(config.saveSchedule == [.init(seconds: 10, changes: 1), .init(seconds: 20, changes: 2)])
        #expect(config.bindAddresses == ["*", "-::*"])
        #expect(config.value(of: "maxmemory") == "1024")
        #expect(config.requirePassword == "pw")
        #expect(config.appendFsync == .no)
        // redis-server: CONFIG GET after these sets -> "yes", "nosave now".
        try config.set([("oom-score-adj", "relative"), ("shutdown-on-sigint", "now NOSAVE")])
        #expect(config.value(of: "oom-score-adj") == "yes")
        #expect(config.value(of: "shutdown-on-sigint") == "nosave now")
        try config.set([("save", ""), ("requirepass", "")])
        #expect(config.saveSchedule == [])
        #expect(config.requirePassword == nil)
    }

    @Test func errorsAreRedisWordsAndChangeNothing() {
        #expect(setError([("port", "7412"), ("daemonize", "yes")])
                == "ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set immutable config")
        #expect(setError([("foo", "1"), ("daemonize", "yes")])
                == "ERR Unknown option or number of arguments for CONFIG SET - 'foo'")
        #expect(setError([("daemonize", "yes"), ("foo", "1")])
                == "ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set immutable config")
        #expect(setError([("timeout", "1"), ("timeout", "2")])
                == "ERR CONFIG SET failed (possibly related to argument 'timeout') - duplicate parameter")
        #expect(setError([("timeout", "5"), ("maxmemory", "1zz")])
                == "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value")
        #expect(setError([("maxmemory", "1kb"), ("appendfsync", "sometimes")])
                == "ERR CONFIG SET failed (possibly related to argument 'appendfsync') - argument(s) must be one of the following: everysec, always, no")
        #expect(setError([("save", "10 1 20")])
                == "ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters")
        #expect(setError([("port", "70000")])
                == "ERR CONFIG SET failed (possibly related to argument 'port') - argument must be between 0 and 65535 inclusive")
        #expect(setError([("protected-mode", "maybe")])
                == "ERR CONFIG SET failed (possibly related to argument 'protected-mode') - argument must be 'yes' or 'no'")
        #expect(setError([("databases", "16")])
                == "ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config")
        #expect(setError([("slaveof", "no one")])
                == "ERR CONFIG SET failed (possibly related to argument 'slaveof') - can't set immutable config")
    }

    /// PROTECTED_CONFIG (dir, dbfilename), refused in the immutable check's
    /// place, as redis-server 7.0.15 answers with enable-protected-configs no;
    /// appendfilename and appenddirname are immutable in 7.0.15.
    @Test func protectedConfigsNeedEnableProtectedConfigs() throws {
        let protected = { (name: String) in
            "ERR CONFIG SET failed (possibly related to argument '\(name)') - can't set protected config"
        }
        #expect(setError([("dir", "/tmp")]) == protected("dir"))
        #expect(setError([("DBFILENAME", "x.rdb")]) == protected("DBFILENAME"))
        #expect(setError([("timeout", "1"), ("dir", "/tmp")]) == protected("dir"))
        #expect(setError([("dir", "/tmp"), ("foo", "1")]) == protected("dir"), "the first refusal wins")
        #expect(setError([("foo", "1"), ("dir", "/tmp")])
                == "ERR Unknown option or number of arguments for CONFIG SET - 'foo'")
        #expect(setError([("dir", "/tmp"), ("timeout", "x")]) == protected("dir"), "before any value is checked")
        #expect(setError([("appendfilename", "a")])
                == "ERR CONFIG SET failed (possibly related to argument 'appendfilename') - can't set immutable config")
        #expect(setError([("appenddirname", "a")])
                == "ERR CONFIG SET failed (possibly related to argument 'appenddirname') - can't set immutable config")
        #expect(setError([("enable-protected-configs", "yes")])
                == "ERR CONFIG SET failed (possibly related to argument 'enable-protected-configs') - can't set immutable config")

        var allowed = try ServerConfiguration.load(text: "enable-protected-configs yes\n").0
        try allowed.set([("dbfilename", "x.rdb")])
        #expect(allowed.value(of: "dbfilename") == "x.rdb")
        var local = try ServerConfiguration.load(text: "enable-protected-configs local\n").0
        #expect(throws: ConfigurationError.setFailed(argument: "dbfilename", reason: "can't set protected config")) {
            try local.set([("dbfilename", "x.rdb")], clientIsLocal: false)
        }
        try local.set([("dbfilename", "y.rdb")], clientIsLocal: true)
        #expect(local.value(of: "dbfilename") == "y.rdb")
    }

    @Test func getPatterns() {
        let config = ServerConfiguration()
        #expect(config.get(pattern: "port").map(\.name) == ["port"])
        // Exact names echo the spelling asked, as Redis does (CONFIG GET Timeout -> "Timeout").
        #expect(config.get(pattern: "Timeout").map { [$0.name, $0.value] } == [["Timeout", "0"]])
        #expect(config.get(pattern: "nosuch").isEmpty)
        #expect(config.get(pattern: "*max-*-entries").map(\.name)
                == ["hash-max-listpack-entries", "hash-max-ziplist-entries", "set-max-intset-entries",
                    "zset-max-listpack-entries", "zset-max-ziplist-entries"])
        #expect(config.get(pattern: "APPENDF*").map(\.name) == ["appendfilename", "appendfsync"])
        #expect(config.get(patterns: ["port", "p[o]rt", "timeout"]).map(\.name) == ["port", "timeout"])
        #expect(config.get(pattern: "save").map(\.value) == ["3600 1 300 100 60 10000"])
    }

    /// notify-keyspace-events reads back normalized, as redis-server 7.0.15 gives it
    /// (keyspaceEventsFlagsToString): one letter per class in Redis's order, "A" for all.
    @Test func keyspaceEventsReadBackNormalized() throws {
        var config = ServerConfiguration()
        let cases = [("gKE", "gKE"), ("$lshzxeKE", "$lshzxeKE"), ("KA", "AK"), ("EA", "AE"), ("An", "A"),
                     ("mnKg", "gnKm"), ("g$lshzxetdE", "AE"), ("", ""), ("EgEg", "gE")]
        for (written, read) in cases {
            try config.set([("notify-keyspace-events", written)])
            #expect(config.value(of: "notify-keyspace-events") == read, "\(written)")
        }
    }
}
