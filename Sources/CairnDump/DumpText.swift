import Cairn
import Foundation

/// How cairn-dump ends (documented in `--help` and the README): what a CI
/// job branches on.
public enum DumpExit: Int32, Sendable {
    /// Nothing wrong.
    case clean = 0
    /// Only a torn tail: what recovery truncates by itself.
    case tornTail = 1
    /// Corruption: what recovery refuses to open.
    case corrupt = 2
    /// A usage or I/O error: nothing was checked.
    case failure = 3

    init(findings: [ScanFinding]) {
        self = findings.contains { $0.kind == .corrupt } ? .corrupt : findings.isEmpty ? .clean : .tornTail
    }

    /// The word verify prints for it.
    var word: String {
        switch self {
        case .clean: "clean"
        case .tornTail: "torn-tail"
        case .corrupt: "corrupt"
        case .failure: "error"
        }
    }
}

/// Why a subcommand stopped, with the message to print: a usage or I/O
/// error (exit 3), or corruption that keeps it from reading on (exit 2).
public struct DumpFailure: Error, CustomStringConvertible {
    public let description: String
    public let exit: DumpExit

    init(_ description: String) {
        self.description = description
        self.exit = .failure
    }

    init(_ error: StorageError) {
        self.description = error.description
        switch error {
        case .corruption, .replayFailed: self.exit = .corrupt
        default: self.exit = .failure
        }
    }
}

/// Runs a storage call, turning its error into a `DumpFailure`.
func dumpIO<T>(_ body: () throws(StorageError) -> T) throws(DumpFailure) -> T {
    do throws(StorageError) {
        return try body()
    } catch {
        throw DumpFailure(error)
    }
}

/// Text helpers shared by the subcommands.
enum DumpText {
    /// Unix ms as ISO 8601 in UTC with milliseconds: `2023-11-14T22:13:20.000Z`.
    static func time(_ milliseconds: Int64) -> String {
        var seconds = time_t(milliseconds.quotient(dividingBy: 1000))
        let millis = Int(milliseconds - Int64(seconds) * 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                      Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), millis)
    }

    /// Fails unless `path` is a directory (the subcommands that read a whole data directory).
    static func requireDirectory(_ path: String) throws(DumpFailure) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DumpFailure("\(path): not a directory")
        }
    }

    /// The last path component (files are shown by name within their directory).
    static func name(_ path: String) -> String {
        String(path.split(separator: "/").last ?? Substring(path))
    }

    /// Rows as left-aligned columns, two spaces apart, no trailing spaces.
    static func table(_ rows: [[String]]) -> String {
        let columns = rows.map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: columns)
        for row in rows {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        var text = ""
        for row in rows {
            var line = ""
            for (index, cell) in row.enumerated() {
                line += cell
                if index < row.count - 1 { line += String(repeating: " ", count: widths[index] - cell.count + 2) }
            }
            while line.hasSuffix(" ") { line.removeLast() }
            text += line + "\n"
        }
        return text
    }
}

private extension Int64 {
    /// Division rounding toward negative infinity (times before 1970 too).
    func quotient(dividingBy divisor: Int64) -> Int64 {
        let (quotient, remainder) = quotientAndRemainder(dividingBy: divisor)
        return remainder < 0 ? quotient - 1 : quotient
    }
}
