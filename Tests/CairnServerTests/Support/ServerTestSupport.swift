import Cairn
import CairnServer
import Logging
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// An in-process cairn-server on an ephemeral loopback port with its own
/// data directory; `stop()` shuts it down as SHUTDOWN would.
final class TestServer {
    let server: CairnServer
    let directory: String
    var port: Int { server.port }

    /// `extra` is redis.conf text appended to the test defaults.
    /// `logger` defaults to one that drops everything.
    init(directory: String? = nil, extra: String = "", fileIO: any FileIO = PosixFileIO(),
         logger: Logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })) throws {
        let directory = directory ?? TestServer.makeDirectory()
        self.directory = directory
        let text = "port 0\nbind 127.0.0.1\ndir \(directory)\nappendfsync always\n" + extra
        let (configuration, _) = try ServerConfiguration.load(text: text)
        server = try CairnServer.start(configuration: configuration, logger: logger, fileIO: fileIO)
    }

    func stop() {
        server.shutdown()
        server.waitUntilStopped()
    }

    func client() throws -> TestClient { try TestClient(port: port) }

    static func makeDirectory() -> String {
        var template = Array("/tmp/cairn-server-test-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        return made.map { String(cString: $0) } ?? "/tmp/cairn-server-test-\(getpid())"
    }
}

struct SocketError: Error, CustomStringConvertible {
    let description: String
}

/// A tiny blocking RESP client over a real socket: sends raw bytes, reads
/// one complete reply's raw bytes (RESP2 or RESP3), 5 s timeout per read.
final class TestClient {
    private let descriptor: Int32
    private var buffer: [UInt8] = []

    /// Connects to `host` (an IPv4 address): a non-loopback one makes the
    /// server see a remote client.
    init(port: Int, host: String = "127.0.0.1") throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr(host)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        if result != 0 {
            close(descriptor)
            throw SocketError(description: "connect failed: \(errno)")
        }
    }

    deinit { close(descriptor) }

    func send(_ text: String) { send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent <= 0 { return }
            offset += sent
        }
    }

    /// Sends one command as a multibulk request.
    func request(_ arguments: String...) -> String {
        request(arguments)
    }

    func request(_ arguments: [String]) -> String {
        send(TestClient.encode(arguments))
        return reply()
    }

    static func encode(_ arguments: [String]) -> String {
        "*\(arguments.count)\r\n" + arguments.map { "$\($0.utf8.count)\r\n\($0)\r\n" }.joined()
    }

    /// The next reply's raw bytes as text ("" when the connection closed).
    func reply() -> String {
        String(decoding: replyBytes(), as: UTF8.self)
    }

    /// The next reply's raw bytes (binary-safe: DUMP payloads).
    func replyBytes() -> [UInt8] {
        var end = 0
        while true {
            if let length = TestClient.replyLength(buffer, from: 0) {
                end = length
                break
            }
            guard fill() else { return [] }
        }
        let bytes = Array(buffer[..<end])
        buffer.removeFirst(end)
        return bytes
    }

    /// Whether the server closed the connection (after reading what is left).
    func isClosed() -> Bool {
        while fill() {}
        return lastReadWasEOF
    }

    private var lastReadWasEOF = false

    private func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        if count <= 0 {
            lastReadWasEOF = count == 0 || (count < 0 && errno == ECONNRESET)
            return false
        }
        buffer += chunk[..<count]
        return true
    }

    /// The length of the complete reply starting at `start`, or nil.
    static func replyLength(_ bytes: [UInt8], from start: Int) -> Int? {
        guard start < bytes.count else { return nil }
        guard let lineEnd = line(bytes, start) else { return nil }
        let header = String(decoding: bytes[(start + 1)..<lineEnd], as: UTF8.self)
        let next = lineEnd + 2
        switch bytes[start] {
        case UInt8(ascii: "$"), UInt8(ascii: "="), UInt8(ascii: "!"):
            guard let count = Int(header) else { return nil }
            if count < 0 { return next }
            return bytes.count >= next + count + 2 ? next + count + 2 : nil
        case UInt8(ascii: "*"), UInt8(ascii: "~"), UInt8(ascii: ">"), UInt8(ascii: "%"):
            guard var count = Int(header) else { return nil }
            if count < 0 { return next }
            if bytes[start] == UInt8(ascii: "%") { count *= 2 }
            var position = next
            for _ in 0..<count {
                guard let length = replyLength(bytes, from: position) else { return nil }
                position = length
            }
            return position
        default:
            return next
        }
    }

    private static func line(_ bytes: [UInt8], _ start: Int) -> Int? {
        var index = start
        while index + 1 < bytes.count {
            if bytes[index] == 0x0D && bytes[index + 1] == 0x0A { return index }
            index += 1
        }
        return nil
    }
}

extension TestClient {
    /// Polls INFO clients until `count` clients are blocked (5 s at most).
    func waitForBlockedClients(_ count: Int, sourceLocation: SourceLocation = #_sourceLocation) {
        for _ in 0..<500 {
            if request("INFO", "clients").contains("blocked_clients:\(count)\r\n") { return }
            usleep(10_000)
        }
        Issue.record("never saw \(count) blocked clients", sourceLocation: sourceLocation)
    }
}
