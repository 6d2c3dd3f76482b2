/// An incremental parser for client requests, byte-for-byte as Redis 7.0.15's
/// `processInputBuffer` / `processInlineBuffer` / `processMultibulkBuffer`.
///
/// A request is multibulk (`*2\r\n$3\r\nGET\r\n$1\r\nk\r\n`) when its first
/// byte is `*`, and an inline line (`GET k\r\n`, split by `splitArguments`)
/// otherwise. Bytes may arrive split anywhere and pipelined back to back.
///
/// ```swift
/// var parser = RESPRequestParser(limits: RESPLimits())
/// parser.append(Array("PING\r\n*1\r\n$4\r\nPI".utf8))
/// while let result = parser.next() { ... }   // .command([PING]); the rest waits
/// ```
///
/// Redis quirks kept on purpose (a client that works against Redis works here):
/// - the two bytes after a bulk payload are skipped unchecked (`$4\r\nPINGxx` is PING);
/// - the `\r` ending a `*N` or `$N` line need not be followed by `\n`;
/// - `*0`, `*-1`, empty and blank inline lines are skipped;
/// - a line's end is searched with `strchr`, so a NUL byte before it means
///   the line never ends (until the 64 KiB limit below).
///
/// One deliberate difference: Redis checks the 64 KiB line limit after each
/// read, so whether a 70 KB inline line passes depends on how the kernel
/// chunked it. Here a line fails exactly when its end is not within the first
/// 64 KiB + 1 bytes, which is what Redis does when bytes arrive one at a
/// time; the outcome never depends on how the stream was split.
///
/// Memory: nothing is reserved on the strength of a declared length (Redis
/// pre-sizes its buffer for bulks of 32 KB and more; we let the bytes that
/// actually arrive grow it). The argument array reserves at most 1024 slots,
/// as Redis does.
///
/// After a protocol error the parser is failed for good: `next()` returns the
/// error once, then nil, and `append` drops bytes. The server replies
/// `-ERR <message>` and closes the connection.
public struct RESPRequestParser: Sendable {
    /// Mutable so AUTH can lift the unauthenticated limits mid-stream.
    public var limits: RESPLimits

    /// Received bytes; `readIndex` is Redis's `qb_pos`.
    private var buffer: [UInt8] = []
    private var readIndex = 0
    /// Bytes after `readIndex` already searched for the current line's end
    /// (so a line arriving a byte at a time is scanned once, not quadratically).
    private var scannedCount = 0
    /// Redis's `multibulklen`: arguments still to read for the current request.
    private var argumentsLeft = 0
    /// Redis's `bulklen`: the declared length of the next payload, or -1.
    private var bulkLength = -1
    private var arguments: [[UInt8]] = []
    private var failure: RESPProtocolError?
    private var failureReported = false

    public init(limits: RESPLimits = RESPLimits()) {
        self.limits = limits
    }

    /// The error the stream failed with, if any.
    public var protocolError: RESPProtocolError? { failure }

    /// Received bytes not yet consumed by a complete request (for a
    /// `client-query-buffer-limit` style check by the server).
    public var bufferedByteCount: Int { buffer.count - readIndex }

    /// Adds received bytes. Consumed bytes are dropped first: all of them when
    /// everything was consumed, otherwise once they are the larger half.
    public mutating func append(_ bytes: some Collection<UInt8>) {
        if failure != nil { return }
        if readIndex == buffer.count {
            // Keep a modest buffer's capacity; give back a huge one (Redis's
            // clientsCron shrinks idle query buffers too).
            buffer.removeAll(keepingCapacity: buffer.capacity <= 1 << 20)
            readIndex = 0
        } else if readIndex >= 16 * 1024 && readIndex * 2 >= buffer.count {
            buffer.removeSubrange(0..<readIndex)
            readIndex = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete request, a protocol error, or nil when more bytes are needed.
    public mutating func next() -> RESPParseResult? {
        if let failure {
            if failureReported { return nil }
            failureReported = true
            return .protocolError(failure)
        }
        while readIndex < buffer.count {
            let step: Step
            if argumentsLeft == 0 {
                step = buffer[readIndex] == UInt8(ascii: "*") ? readMultibulkCount() : readInline()
            } else {
                step = readBulks()
            }
            switch step {
            case .needMore: return nil
            case .skip: continue
            case .command(let argv): return .command(argv)
            case .error(let error):
                failure = error
                failureReported = true
                arguments = []
                buffer = []
                readIndex = 0
                return .protocolError(error)
            }
        }
        return nil
    }

    /// Parses a whole byte string at once: every request, then at most one
    /// error. The entry point for fuzzing and tests.
    public static func parseAll(_ bytes: [UInt8], limits: RESPLimits = RESPLimits()) -> [RESPParseResult] {
        var parser = RESPRequestParser(limits: limits)
        parser.append(bytes)
        var results: [RESPParseResult] = []
        while let result = parser.next() { results.append(result) }
        return results
    }

    private enum Step {
        case needMore, skip
        case command([[UInt8]])
        case error(RESPProtocolError)
    }

    private enum LineEnd {
        case found(Int)  // absolute index of the terminator
        case notYet
        case tooLong
    }

    /// Redis's `strchr(querybuf+qb_pos, terminator)` plus the
    /// `PROTO_INLINE_MAX_SIZE` check made when it finds nothing: the search
    /// stops at a NUL byte (the line then never ends), and a line whose end
    /// is not within the first 64 KiB + 1 bytes is too long.
    private mutating func findLineEnd(_ terminator: UInt8) -> LineEnd {
        let window = RESPLimits.inlineMaxSize + 1
        let available = buffer.count - readIndex
        let searchEnd = readIndex + min(available, window)
        var position = readIndex + scannedCount
        let hit: Int? = buffer.withUnsafeBufferPointer { bytes in
            while position < searchEnd {
                let byte = bytes[position]
                if byte == terminator { return position }
                if byte == 0 { return nil }  // strchr ends here for good
                position += 1
            }
            return nil
        }
        scannedCount = position - readIndex
        if let hit { return .found(hit) }
        return available > RESPLimits.inlineMaxSize ? .tooLong : .notYet
    }

    /// Moves the read position; the next line search starts afresh.
    private mutating func consume(upTo index: Int) {
        readIndex = index
        scannedCount = 0
    }

    /// `processInlineBuffer`: a line up to `\n` (a `\r` before it is dropped),
    /// split as `sdssplitargs` does.
    private mutating func readInline() -> Step {
        let newline: Int
        switch findLineEnd(0x0A) {
        case .notYet: return .needMore
        case .tooLong: return .error(.tooBigInlineRequest)
        case .found(let index): newline = index
        }
        var lineEnd = newline
        if lineEnd > readIndex && buffer[lineEnd - 1] == 0x0D { lineEnd -= 1 }
        guard let argv = splitArguments(buffer[readIndex..<lineEnd]) else {
            return .error(.unbalancedQuotes)
        }
        consume(upTo: newline + 1)
        return argv.isEmpty ? .skip : .command(argv)
    }

    private enum CountLine {
        case needMore, tooLong
        /// The number (nil when not a `string2ll` number) and where the next line starts.
        case line(Int64?, next: Int)
    }

    /// Finds a `*N` / `$N` line's `\r` and reads the number between the
    /// prefix byte and it. The byte after `\r` must have arrived, but Redis
    /// does not check that it is `\n`.
    private mutating func readCountLine() -> CountLine {
        let carriageReturn: Int
        switch findLineEnd(0x0D) {
        case .notYet: return .needMore
        case .tooLong: return .tooLong
        case .found(let index): carriageReturn = index
        }
        if carriageReturn + 1 >= buffer.count { return .needMore }
        // The line may be just `\r` (then the caller's prefix check fails first).
        let digits = min(readIndex + 1, carriageReturn)..<carriageReturn
        let number = buffer.withUnsafeBufferPointer { bytes in
            parseRedisInteger(UnsafeBufferPointer(rebasing: bytes[digits]))
        }
        return .line(number, next: carriageReturn + 2)
    }

    /// The `c->multibulklen == 0` part of `processMultibulkBuffer`.
    private mutating func readMultibulkCount() -> Step {
        let number: Int64?, next: Int
        switch readCountLine() {
        case .needMore: return .needMore
        case .tooLong: return .error(.tooBigMultibulkCount)
        case .line(let value, let end): (number, next) = (value, end)
        }
        guard let count = number, count <= Int64(Int32.max) else {
            return .error(.invalidMultibulkLength)
        }
        if count > Int64(RESPLimits.unauthenticatedMaxArguments) && !limits.authenticated {
            return .error(.unauthenticatedMultibulkLength)
        }
        consume(upTo: next)
        if count <= 0 { return .skip }
        argumentsLeft = Int(count)
        arguments = []
        arguments.reserveCapacity(min(argumentsLeft, 1024))
        return readBulks()
    }

    /// The `while (c->multibulklen)` loop of `processMultibulkBuffer`.
    private mutating func readBulks() -> Step {
        while argumentsLeft > 0 {
            if bulkLength == -1 {
                let number: Int64?, next: Int
                switch readCountLine() {
                case .needMore: return .needMore
                case .tooLong: return .error(.tooBigBulkCount)
                case .line(let value, let end): (number, next) = (value, end)
                }
                let prefix = buffer[readIndex]
                if prefix != UInt8(ascii: "$") { return .error(.expectedDollar(got: prefix)) }
                guard let length = number, length >= 0, length <= Int64(limits.maxBulkLength) else {
                    return .error(.invalidBulkLength)
                }
                if length > Int64(RESPLimits.unauthenticatedMaxBulkLength) && !limits.authenticated {
                    return .error(.unauthenticatedBulkLength)
                }
                consume(upTo: next)
                bulkLength = Int(length)
            }
            // The payload and two more bytes (meant to be CRLF, not checked).
            let available = buffer.count - readIndex
            if available < 2 || available - 2 < bulkLength { return .needMore }
            arguments.append(Array(buffer[readIndex..<(readIndex + bulkLength)]))
            consume(upTo: readIndex + bulkLength + 2)
            bulkLength = -1
            argumentsLeft -= 1
        }
        let argv = arguments
        arguments = []
        return .command(argv)
    }
}
