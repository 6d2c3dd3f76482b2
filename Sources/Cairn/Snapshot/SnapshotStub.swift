// TEMPORARY stand-in for the snapshot file format (helper branch
// snapshot-format replaces it): uncompressed, length-prefixed DUMP payloads.
enum SnapshotRecords {
    static func append(database: Int, key: ByteString, value: Value, expireAt: Int64?, to body: inout Bytes) {
        let payload = DumpPayload.encode(value)
        let keyBytes = key.bytes
        body.append(UInt8(database))
        for v in [UInt64(keyBytes.count), UInt64(bitPattern: expireAt ?? -1), UInt64(payload.count)] {
            for i in 0..<8 { body.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) }
        }
        body += keyBytes
        body += payload
    }
}

struct SnapshotHeader: Sendable, Equatable {
    var sequence: UInt64
    var createdMilliseconds: Int64
}

final class SnapshotFileWriter {
    let path: String
    let fileIO: any FileIO
    let handle: FileDescriptorHandle
    private(set) var bytesWritten: Int64 = 0
    init(path: String, header: SnapshotHeader, fileIO: any FileIO) throws(StorageError) {
        self.path = path
        self.fileIO = fileIO
        handle = try storageIO { () throws(IOError) in try fileIO.open(path, .readWrite, options: [.create, .truncate]) }
        var bytes: Bytes = []
        for v in [header.sequence, UInt64(bitPattern: header.createdMilliseconds)] {
            for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) }
        }
        try append(bytes)
    }
    func append(_ body: Bytes) throws(StorageError) {
        let offset = bytesWritten
        do throws(IOError) { try fileIO.writeAll(handle, body, at: offset) } catch {
            throw error.isOutOfSpace ? .diskFull(error) : .io(error)
        }
        bytesWritten += Int64(body.count)
    }
    func finish(keyCount: UInt64) throws(StorageError) {
        try append([0xFF])
        try storageIO { () throws(IOError) in try fileIO.fdatasync(handle) }
        try? fileIO.close(handle)
    }
    func abandon() {
        try? fileIO.close(handle)
        try? fileIO.unlink(path)
    }
}

struct SnapshotEntry {
    var database: Int
    var key: ByteString
    var value: Value
    var expireAt: Int64?
}

struct SnapshotSummary: Sendable, Equatable {
    var header: SnapshotHeader
    var keyCount: UInt64
    var fileBytes: Int64
}

enum SnapshotFileReader {
    static func read(path: String, fileIO: any FileIO, limits: EncodingLimits,
                     entry: (SnapshotEntry) throws(StorageError) -> Void) throws(StorageError) -> SnapshotSummary {
        let bytes = try storageIO { () throws(IOError) in try fileIO.readFile(path) }
        func word(_ at: Int) -> UInt64 { (0..<8).reduce(0) { $0 | UInt64(bytes[at + $1]) << (8 * UInt64($1)) } }
        guard bytes.count >= 17, bytes.last == 0xFF else { throw .corruption(file: path, offset: 0, reason: "stub: truncated") }
        let header = SnapshotHeader(sequence: word(0), createdMilliseconds: Int64(bitPattern: word(8)))
        var offset = 16
        var count: UInt64 = 0
        while offset < bytes.count - 1 {
            let database = Int(bytes[offset])
            let keyLength = Int(word(offset + 1)), expire = Int64(bitPattern: word(offset + 9)), payloadLength = Int(word(offset + 17))
            offset += 25
            let key = ByteString(bytes[offset..<offset + keyLength])
            offset += keyLength
            let payload = Array(bytes[offset..<offset + payloadLength])
            offset += payloadLength
            let value: Value
            do throws(RDBFormatError) { value = try DumpPayload.decode(payload, limits: limits) } catch {
                throw .corruption(file: path, offset: offset, reason: "stub: bad value")
            }
            try entry(SnapshotEntry(database: database, key: key, value: value, expireAt: expire == -1 ? nil : expire))
            count += 1
        }
        return SnapshotSummary(header: header, keyCount: count, fileBytes: Int64(bytes.count))
    }
}
