// cairn-server: a Redis 7.0.15 drop-in over Cairn's durable engine. Thin on
// purpose: the command line, the logger, signals and exit codes; the server
// itself is CairnServer.
import CairnServer
import Dispatch
import Logging
#if canImport(Glibc)
import Glibc
#endif

let arguments = Array(CommandLine.arguments.dropFirst())

switch ServerCommandLine.action(for: arguments) {
case .version:
    print(ServerCommandLine.versionText(version: CairnServer.version), terminator: "")
    exit(0)
case .help:
    printError(ServerCommandLine.usage)
    exit(1)
case .run:
    break
}

/// Writes to standard error (the C `stderr` global is not concurrency-safe).
func printError(_ text: String) {
    var bytes = Array(text.utf8)
    _ = bytes.withUnsafeMutableBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
}

struct ReadError: Error, CustomStringConvertible {
    let description: String
}

/// Reads a config file, or standard input for "-".
func readFile(_ path: String) throws -> String {
    let descriptor = path == "-" ? STDIN_FILENO : open(path, O_RDONLY)
    guard descriptor >= 0 else { throw ReadError(description: String(cString: strerror(errno))) }
    defer { if path != "-" { close(descriptor) } }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if count <= 0 { break }
        bytes += chunk[..<count]
    }
    return String(decoding: bytes, as: UTF8.self)
}

let configuration: ServerConfiguration
let ignored: [String]
do {
    (configuration, ignored) = try ServerConfiguration.load(arguments: arguments, readFile: readFile)
} catch {
    // Names the line and directive, as redis-server's FATAL CONFIG FILE ERROR.
    printError("\(error)\n")
    exit(1)
}

LoggingSystem.bootstrap { _ in
    RedisLogHandler(level: RedisLogHandler.level(configuration.logLevel), path: configuration.logFile)
}
let logger = Logger(label: "cairn-server")
if !ignored.isEmpty {
    logger.notice("Accepted but not used by Cairn: \(ignored.joined(separator: ", "))")
}

let server: CairnServer
do {
    server = try CairnServer.start(configuration: configuration, logger: logger)
} catch {
    logger.critical("\(error)")
    exit(1)
}

server.shutdownOnSignals()
let failure = server.waitUntilStopped()
exit(failure == nil ? 0 : 1)
