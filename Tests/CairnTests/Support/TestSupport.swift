#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import Cairn

/// An engine on a manual clock with a fixed seed, and shorthands to run
/// commands from text and read what they did.
final class TestEngine {
    let clock: ManualClock
    let engine: Engine
    var session = Session()
    /// Every effect reported so far, one array per command.
    private(set) var records: [[Effect]] = []

    init(seed: UInt64 = 1, now: Int64 = 1_700_000_000_000) {
        clock = ManualClock(milliseconds: now)
        engine = Engine(configuration: EngineConfiguration(clock: clock, randomSeed: seed))
    }

    /// Runs a command given as text arguments.
    @discardableResult
    func run(_ arguments: String...) -> Reply {
        run(arguments.map { Array($0.utf8) })
    }

    /// Runs a command given as byte arguments.
    @discardableResult
    func run(_ argv: [Bytes]) -> Reply {
        let execution = engine.execute(argv, session: &session)
        records.append(execution.effects)
        return execution.reply
    }

    /// The effects of the last command, as text argv arrays.
    var lastEffects: [[String]] {
        (records.last ?? []).map { $0.argv.map { String(decoding: $0, as: UTF8.self) } }
    }

    /// Every effect so far, flattened, for replay.
    var allEffects: [Effect] { records.flatMap { $0 } }

    /// Replays everything this engine logged (then `extraEffects`, such as
    /// active-expiry cycles' DELs) into a fresh engine that `prepare` may
    /// seed with what a test stored directly, and checks both hold the same data.
    func expectReplayMatches(extraEffects: [Effect] = [], prepare: (Engine) -> Void = { _ in },
                             sourceLocation: SourceLocation = #_sourceLocation) {
        let copy = Engine(configuration: EngineConfiguration(clock: ManualClock(milliseconds: 0), randomSeed: 99))
        prepare(copy)
        do {
            try copy.replay(allEffects + extraEffects)
        } catch {
            Issue.record("\(error)", sourceLocation: sourceLocation)
        }
        #expect(copy.digest() == engine.digest(), "replayed state differs", sourceLocation: sourceLocation)
    }
}

extension Reply {
    /// A bulk reply of UTF-8 text.
    static func text(_ string: String) -> Reply { .bulk(Array(string.utf8)) }

    /// An array of bulk text replies.
    static func texts(_ strings: [String]) -> Reply { .array(strings.map { .text($0) }) }

    /// An error reply; `message` is the whole line, e.g. "ERR syntax error".
    static func err(_ message: String) -> Reply { .error(message) }

    /// The error message, if this is an error.
    var errorMessage: String? {
        if case .error(let message) = self { return message }
        return nil
    }
}

/// Redis's WRONGTYPE error line.
let wrongType = Reply.error("WRONGTYPE Operation against a key holding the wrong kind of value")
/// Redis's not-an-integer error line.
let notInteger = Reply.error("ERR value is not an integer or out of range")
let syntaxError = Reply.error("ERR syntax error")

func arityError(_ command: String) -> Reply {
    .error("ERR wrong number of arguments for '\(command)' command")
}

/// A fresh directory under /tmp (mkdtemp: a unique name per test), removed
/// with everything in it when the test lets go of it.
class TemporaryDirectory {
    let path: String
    let io = PosixFileIO()

    init(prefix: String = "cairn-io-test") {
        var template = Array("/tmp/\(prefix)-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(made != nil, "mkdtemp failed: \(Errno.current)")
        path = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    func file(_ name: String) -> String { "\(path)/\(name)" }

    deinit {
        for name in (try? io.listDirectory(path)) ?? [] { _ = Glibc.unlink(file(name)) }
        _ = rmdir(path)
    }
}

