/// The MANIFEST (docs/FORMAT.md, "MANIFEST"): which files make up the data
/// directory's state: the snapshot (none until the snapshot issue) and the
/// live log segments, in order. Text, so an operator can read it:
///
/// ```
/// cairn-manifest 1
/// snapshot -
/// segment 00000000000000000001.wal
/// segment 00000000000000004501.wal
/// crc32c 0x5d8f3a21
/// ```
///
/// The last line is the masked CRC-32C of every byte before it. The file is
/// replaced atomically: MANIFEST.tmp written and synced, renamed over
/// MANIFEST, the directory synced. The writer publishes a manifest naming a
/// new segment *before* it creates that segment, so a listed segment that is
/// missing can only be the last one (its creation cut short), and a segment
/// file the manifest does not list holds no record anyone was told about.
struct Manifest: Sendable, Equatable {
    static let fileName = "MANIFEST"
    static let temporaryName = "MANIFEST.tmp"
    static let magicLine = "cairn-manifest 1"

    /// The snapshot file's name; nil: none (the log starts at record 1).
    var snapshot: String?
    /// Segment file names, in log order.
    var segments: [String]

    /// The file's bytes.
    func encoded() -> Bytes {
        var text = Manifest.magicLine + "\n"
        text += "snapshot " + (snapshot ?? "-") + "\n"
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
        guard lines.first == Substring(magicLine) else { return .failure(.unknownVersion) }
        guard lines.count >= 2, lines[1].hasPrefix("snapshot ") else { return .failure(.malformedLine(number: 2)) }
        let snapshotName = String(lines[1].dropFirst("snapshot ".count))
        var manifest = Manifest(snapshot: snapshotName == "-" ? nil : snapshotName, segments: [])
        for (index, line) in lines.enumerated().dropFirst(2) {
            let name = line.dropFirst("segment ".count)
            guard line.hasPrefix("segment "), DataDirectory.firstSequence(ofSegmentNamed: String(name)) != nil else {
                return .failure(.malformedLine(number: index + 1))
            }
            manifest.segments.append(String(name))
        }
        return .success(manifest)
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
        case .unknownVersion: "the MANIFEST does not start with \"\(Manifest.magicLine)\""
        case .malformedLine(let number): "line \(number) of the MANIFEST is malformed"
        }
    }
}
