/// The MANIFEST (docs/FORMAT.md, "MANIFEST"): which files make up the data
/// directory's state: the snapshot (none until the snapshot issue), how far
/// the log is known to be durable (its seal), and the live log segments, in
/// order. Text, so an operator can read it:
///
/// ```
/// cairn-manifest 2
/// snapshot -
/// durable-through 4500
/// segment 00000000000000000001.wal
/// segment 00000000000000004501.wal
/// crc32c 0x5d8f3a21
/// ```
///
/// The last line is the masked CRC-32C of every byte before it. The file is
/// replaced atomically: MANIFEST.tmp written and synced, renamed over
/// MANIFEST, the directory synced.
///
/// `durable-through` seals the log: every record up to it was on stable
/// storage when the MANIFEST was published (at each rotation, at a clean
/// close, after each recovery), so a log that ends below it lost synced
/// records, which recovery refuses rather than reads as a torn tail. The
/// writer creates a segment (header synced, directory synced) *before* it
/// lists it, so a listed segment that is missing, or has no valid header,
/// was deleted or damaged after it existed: corruption, never "its creation
/// was cut short". Version 1 listed a segment before creating it; reading
/// it keeps that rule (`listsSegmentsBeforeCreation`).
struct Manifest: Sendable, Equatable {
    static let fileName = "MANIFEST"
    static let temporaryName = "MANIFEST.tmp"
    static let magicPrefix = "cairn-manifest "
    /// The version this code writes.
    static let currentVersion = 2

    /// The format version (1 is only read, and written by tests).
    var version = Manifest.currentVersion
    /// The snapshot file's name; nil: none (the log starts at record 1).
    var snapshot: String?
    /// Every record numbered up to this one is durable in the listed
    /// segments (0: no claim). Version 1 has no such line (0).
    var durableThrough: UInt64 = 0
    /// Segment file names, in log order.
    var segments: [String]

    init(version: Int = Manifest.currentVersion, snapshot: String? = nil, durableThrough: UInt64 = 0, segments: [String]) {
        self.version = version
        self.snapshot = snapshot
        self.durableThrough = durableThrough
        self.segments = segments
    }

    /// Version 1's writer listed a segment before creating it: its last
    /// listed segment may be missing or header-less without loss.
    var listsSegmentsBeforeCreation: Bool { version == 1 }

    /// The file's bytes.
    func encoded() -> Bytes {
        var text = Manifest.magicPrefix + String(version) + "\n"
        text += "snapshot " + (snapshot ?? "-") + "\n"
        if version >= 2 { text += "durable-through " + String(durableThrough) + "\n" }
        for segment in segments { text += "segment " + segment + "\n" }
        var bytes = Bytes(text.utf8)
        let checksum = bytes.withUnsafeBytes { CRC32C.mask(CRC32C.extend(0, $0)) }
        bytes += Bytes("crc32c \(Hex.word(checksum))\n".utf8)
        return bytes
    }

    /// Parses a manifest; the reason when it is not one.
    static func decode(_ bytes: Bytes) -> Result<Manifest, ManifestDefect> {
        guard let checksumStart = bytes.dropLast().lastIndex(of: UInt8(ascii: "\n")).map({ $0 + 1 }),
              bytes.last == UInt8(ascii: "\n") else { return .failure(.truncated) }
        let checksumLine = String(decoding: bytes[checksumStart..<bytes.count - 1], as: UTF8.self)
        let body = bytes[..<checksumStart]
        let computed = body.withUnsafeBytes { CRC32C.mask(CRC32C.extend(0, $0)) }
        guard checksumLine == "crc32c \(Hex.word(computed))" else {
            return .failure(checksumLine.hasPrefix("crc32c ") ? .checksumMismatch : .truncated)
        }
        var lines = String(decoding: body, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.last == "" else { return .failure(.malformedLine(number: lines.count)) }
        lines.removeLast()
        let version: Int
        switch lines.first {
        case Substring(magicPrefix + "1"): version = 1
        case Substring(magicPrefix + "2"): version = 2
        default: return .failure(.unknownVersion)
        }
        guard lines.count >= 2, lines[1].hasPrefix("snapshot ") else { return .failure(.malformedLine(number: 2)) }
        let snapshotName = String(lines[1].dropFirst("snapshot ".count))
        guard snapshotName == "-" || DataDirectory.sequence(ofSnapshotNamed: snapshotName) != nil else {
            return .failure(.malformedLine(number: 2))
        }
        var manifest = Manifest(version: version, snapshot: snapshotName == "-" ? nil : snapshotName, segments: [])
        var firstSegmentLine = 2
        if version >= 2 {
            guard lines.count >= 3, lines[2].hasPrefix("durable-through "),
                  let durable = canonicalDecimal(lines[2].dropFirst("durable-through ".count)) else {
                return .failure(.malformedLine(number: 3))
            }
            manifest.durableThrough = durable
            firstSegmentLine = 3
        }
        for (index, line) in lines.enumerated().dropFirst(firstSegmentLine) {
            let name = line.dropFirst("segment ".count)
            guard line.hasPrefix("segment "), DataDirectory.firstSequence(ofSegmentNamed: String(name)) != nil else {
                return .failure(.malformedLine(number: index + 1))
            }
            manifest.segments.append(String(name))
        }
        return .success(manifest)
    }

    /// A u64 in canonical decimal (digits only, no leading zero but `0`).
    private static func canonicalDecimal(_ text: Substring) -> UInt64? {
        guard !text.isEmpty, text.allSatisfy({ $0 >= "0" && $0 <= "9" }), text == "0" || !text.hasPrefix("0") else { return nil }
        return UInt64(text)
    }

    /// Replaces the directory's MANIFEST with this one, atomically and
    /// durably. A failure leaves the old one in place; the writer treats it
    /// as it treats a failed segment creation (fail-stop, or disk full).
    func publish(inDirectory directory: String, fileIO: any FileIO) throws(StorageError) {
        let temporary = DataDirectory.join(directory, Manifest.temporaryName)
        let handle: FileDescriptorHandle
        do throws(IOError) {
            handle = try fileIO.open(temporary, .readWrite, options: [.create, .truncate])
        } catch {
            throw error.isOutOfSpace ? .diskFull(error) : .io(error)
        }
        do throws(IOError) {
            defer { try? fileIO.close(handle) }
            try fileIO.writeAll(handle, encoded(), at: 0)
            try fileIO.fdatasync(handle)
        } catch {
            if error.operation == .pwrite, error.isOutOfSpace {
                try? fileIO.unlink(temporary)
                throw .diskFull(error)
            }
            throw .failStopped(cause: error)
        }
        do throws(IOError) {
            try fileIO.rename(temporary, to: DataDirectory.join(directory, Manifest.fileName))
            try fileIO.syncDirectory(directory)
        } catch {
            throw .failStopped(cause: error)
        }
    }

    /// The directory's manifest; nil when it has none.
    static func read(inDirectory directory: String, fileIO: any FileIO) throws(StorageError) -> Manifest? {
        let path = DataDirectory.join(directory, fileName)
        guard fileIO.fileExists(path) else { return nil }
        let bytes = try storageIO { () throws(IOError) in try fileIO.readFile(path) }
        switch decode(bytes) {
        case .success(let manifest): return manifest
        case .failure(let defect): throw .corruption(file: path, offset: 0, reason: defect.description)
        }
    }
}

/// Why a MANIFEST could not be read.
enum ManifestDefect: Error, Equatable, CustomStringConvertible {
    case truncated
    case checksumMismatch
    case unknownVersion
    case malformedLine(number: Int)

    var description: String {
        switch self {
        case .truncated: "the MANIFEST is truncated (no checksum line)"
        case .checksumMismatch: "the MANIFEST's checksum does not match its contents"
        case .unknownVersion: "the MANIFEST does not start with \"\(Manifest.magicPrefix)1\" or \"\(Manifest.magicPrefix)2\""
        case .malformedLine(let number): "line \(number) of the MANIFEST is malformed"
        }
    }
}
