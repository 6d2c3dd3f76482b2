/// The loops every caller of `pwrite`/`pread` needs, written once over the
/// protocol so production and the simulation run the same code: a short
/// write continues where it stopped, `EINTR` (nothing was transferred) retries.
extension FileIO {
    /// Writes all of `bytes` at `offset`, continuing after short writes and
    /// retrying `EINTR`. On error the bytes before the failing offset are in
    /// the page cache (not durable); the error names that offset.
    ///
    /// ```swift
    /// try io.writeAll(segment, frame, at: tail)
    /// ```
    public func writeAll(_ handle: FileDescriptorHandle, _ bytes: UnsafeRawBufferPointer, at offset: Int64) throws(IOError) {
        var written = 0
        while written < bytes.count {
            let position = offset + Int64(written)
            let count: Int
            do throws(IOError) {
                count = try pwrite(handle, UnsafeRawBufferPointer(rebasing: bytes[written...]), at: position)
            } catch where error.errno == .interrupted {
                continue
            }
            guard count > 0 else {
                // pwrite(2) returns 0 only for an empty request; a conformer that
                // makes no progress would loop forever, so stop with an error.
                throw IOError(.pwrite, path: handle.path, offset: position,
                              length: Int64(bytes.count - written), errno: .ioError)
            }
            written += count
        }
    }

    /// Writes all of `bytes` at `offset` (see the buffer variant).
    public func writeAll(_ handle: FileDescriptorHandle, _ bytes: [UInt8], at offset: Int64) throws(IOError) {
        // withUnsafeBytes rethrows untyped; carry the typed error out by value.
        let failure: IOError? = bytes.withUnsafeBytes { buffer in
            do throws(IOError) {
                try writeAll(handle, buffer, at: offset)
                return nil
            } catch {
                return error
            }
        }
        if let failure { throw failure }
    }

    /// Reads up to `count` bytes at `offset`, continuing after short reads and
    /// retrying `EINTR`; fewer bytes come back only at end of file.
    public func read(_ handle: FileDescriptorHandle, count: Int, at offset: Int64) throws(IOError) -> [UInt8] {
        precondition(count >= 0, "read count must not be negative")
        var failure: IOError?
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            do throws(IOError) {
                initialized = try readFully(handle, into: UnsafeMutableRawBufferPointer(buffer), at: offset)
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        return bytes
    }

    /// Fills `buffer` from `offset` on, continuing after short reads and
    /// retrying `EINTR`; returns how many bytes it read, fewer than the
    /// buffer holds only at end of file.
    public func readFully(_ handle: FileDescriptorHandle, into buffer: UnsafeMutableRawBufferPointer,
                          at offset: Int64) throws(IOError) -> Int {
        var initialized = 0
        while initialized < buffer.count {
            let got: Int
            do throws(IOError) {
                got = try pread(handle, into: UnsafeMutableRawBufferPointer(rebasing: buffer[initialized...]),
                                at: offset + Int64(initialized))
            } catch where error.errno == .interrupted {
                continue
            }
            if got == 0 { break }  // end of file
            initialized += got
        }
        return initialized
    }

    /// Reads the whole file.
    public func readAll(_ handle: FileDescriptorHandle) throws(IOError) -> [UInt8] {
        let length = try size(handle)
        return try read(handle, count: Int(length), at: 0)
    }

    /// Reads the whole file at `path` (open, read, close).
    public func readFile(_ path: String) throws(IOError) -> [UInt8] {
        let handle = try open(path, .readOnly, options: [])
        defer { try? close(handle) }
        return try readAll(handle)
    }

    /// Opens (creating if needed) and exclusively locks a lock file, such as
    /// a data directory's `LOCK`, so two engines never share one directory.
    /// Keep the handle open for as long as the lock must hold; `close`
    /// releases it.
    ///
    /// ```swift
    /// let lock = try io.acquireLock("/data/LOCK")  // a second engine fails here
    /// ```
    public func acquireLock(_ path: String) throws(IOError) -> FileDescriptorHandle {
        let handle = try open(path, .readWrite, options: .create)
        do throws(IOError) {
            try lockExclusive(handle)
        } catch {
            try? close(handle)
            throw error
        }
        return handle
    }
}
