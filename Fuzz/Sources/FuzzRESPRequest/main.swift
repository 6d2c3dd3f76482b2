import CairnRESP
import FuzzSupport

/// RESP requests: arbitrary bytes fed in arbitrary chunks (sizes taken from
/// the input's first bytes) parse to what the whole stream parses to at
/// once; each command parsed, encoded as a multibulk and parsed again, is
/// the same command. Limits keep memory bounded (a 1 MiB bulk at most).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRESPRequest(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    var input = FuzzInput(start, count)
    let authenticated = input.byte() & 1 == 0
    let limits = RESPLimits(maxBulkLength: 1 << 20, authenticated: authenticated)
    let chunkSizes = (0..<4).map { _ in 1 + input.below(64) }
    let stream = input.rest()
    let whole = RESPRequestParser.parseAll(stream, limits: limits)

    var parser = RESPRequestParser(limits: limits)
    var chunked: [RESPParseResult] = []
    var offset = 0
    var turn = 0
    while offset < stream.count {
        let end = min(stream.count, offset + chunkSizes[turn % chunkSizes.count])
        parser.append(stream[offset..<end])
        while let result = parser.next() { chunked.append(result) }
        offset = end
        turn += 1
    }
    fuzzCheck(chunked == whole, "chunked parse \(chunked) differs from whole \(whole)")

    for case .command(let argv) in whole {
        var writer = RESPWriter(version: .resp2)
        writer.arrayHeader(count: argv.count)
        for argument in argv { writer.bulk(argument) }
        let again = RESPRequestParser.parseAll(writer.buffer, limits: RESPLimits(maxBulkLength: 1 << 20))
        fuzzCheck(again == [.command(argv)], "\(argv) re-parsed as \(again)")
    }
    return 0
}
