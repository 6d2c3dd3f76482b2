import Testing
@testable import Cairn

/// FUNCTION without functions: Redis 7.0.15's replies for an empty library set.
@Suite struct FunctionTests {
    @Test func flushAcceptsSyncAndAsyncAndKeepsKeys() {
        let t = TestEngine()
        t.run("SET", "k", "v")
        #expect(t.run("FUNCTION", "FLUSH") == .simple("OK"))
        #expect(t.run("function", "flush", "async") == .simple("OK"))
        #expect(t.run("FUNCTION", "FLUSH", "SYNC") == .simple("OK"))
        #expect(t.lastEffects == [])
        #expect(t.run("FUNCTION", "FLUSH", "foo") == .err("ERR FUNCTION FLUSH only supports SYNC|ASYNC option"))
        #expect(t.run("FUNCTION", "FLUSH", "sync", "x")
            == .err("ERR unknown subcommand or wrong number of arguments for 'FLUSH'. Try FUNCTION HELP."))
        #expect(t.run("GET", "k") == .text("v"))
        t.expectReplayMatches()
    }

    @Test func listStatsAndDeleteSeeNoLibraries() {
        let t = TestEngine()
        #expect(t.run("FUNCTION", "LIST") == .array([]))
        #expect(t.run("FUNCTION", "LIST", "WITHCODE", "LIBRARYNAME", "x*") == .array([]))
        #expect(t.run("FUNCTION", "LIST", "x") == .err("ERR Unknown argument x"))
        #expect(t.run("FUNCTION", "LIST", "LIBRARYNAME") == .err("ERR library name argument was not given"))
        #expect(t.run("FUNCTION", "DELETE", "lib") == .err("ERR Library not found"))
        #expect(t.run("FUNCTION", "STATS") == .map([
            .text("running_script"), .null,
            .text("engines"), .map([.text("LUA"), .map([.text("libraries_count"), .integer(0), .text("functions_count"), .integer(0)])]),
        ]))
        #expect(t.run("FUNCTION", "STATS", "x") == arityError("function|stats"))
        #expect(t.run("FUNCTION", "XYZ", "a") == .err("ERR unknown subcommand 'XYZ'. Try FUNCTION HELP."))
    }
}
