import Cairn
import CairnRESP
import Testing

/// Random bytes never crash or hang the parser, and however they are split
/// the results are those of parsing them whole.
///
/// Replay one seed: `swift test --filter RequestParserFuzzTests` after
/// setting `seed` below to the printed value.
@Suite struct RequestParserFuzzTests {
    /// Half the bytes come from the protocol's own alphabet so the parser
    /// gets deep into multibulk frames, not just inline errors.
    private static let alphabet = Array("*$\r\n0123456789-\"' \\x\0abc".utf8)

    @Test func oneMegabyteOfRandomBytes() {
        let seed: UInt64 = 0x5EED_CA1E
        print("RequestParserFuzzTests seed \(seed)")
        var random = RandomSource(seed: seed)
        let limits = [RESPLimits(), RESPLimits(maxBulkLength: 64, authenticated: false)]
        var total = 0
        var commands = 0
        while total < 1 << 20 {
            let length = Int.random(in: 1...4096, using: &random)
            var input: [UInt8] = []
            input.reserveCapacity(length)
            if Bool.random(using: &random) { input.append(UInt8(ascii: "*")) }
            while input.count < length {
                input.append(Bool.random(using: &random)
                    ? Self.alphabet.randomElement(using: &random)!
                    : UInt8.random(in: 0...255, using: &random))
            }
            total += length
            let limit = limits[total % 2]
            let whole = RESPRequestParser.parseAll(input, limits: limit)
            // At most one error, and only last.
            #expect(whole.dropLast().allSatisfy { if case .command = $0 { true } else { false } })
            commands += whole.count

            var parser = RESPRequestParser(limits: limit)
            var pieces: [RESPParseResult] = []
            var start = 0
            while start < input.count {
                let end = min(input.count, start + Int.random(in: 1...64, using: &random))
                parser.append(input[start..<end])
                while let result = parser.next() { pieces.append(result) }
                start = end
            }
            #expect(pieces == whole, "seed \(seed), input of \(length) bytes")
        }
        #expect(commands > 0)
    }

    /// Well-formed pipelines of random binary commands parse back exactly;
    /// the same pipelines with a few bytes flipped never crash, and still
    /// parse the same whole or in pieces.
    @Test func mutatedValidPipelines() {
        let seed: UInt64 = 0xC0FF_EE42
        print("RequestParserFuzzTests.mutatedValidPipelines seed \(seed)")
        var random = RandomSource(seed: seed)
        for round in 0..<300 {
            var stream: [UInt8] = []
            var expected: [RESPParseResult] = []
            for _ in 0..<Int.random(in: 1...8, using: &random) {
                if Bool.random(using: &random) {
                    let argv = (0..<Int.random(in: 1...5, using: &random)).map { _ in
                        (0..<Int.random(in: 0...40, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
                    }
                    stream += Array("*\(argv.count)\r\n".utf8)
                    for argument in argv { stream += Array("$\(argument.count)\r\n".utf8) + argument + [0x0D, 0x0A] }
                    expected.append(.command(argv))
                } else {
                    let words = (0..<Int.random(in: 1...4, using: &random)).map { _ in
                        (0..<Int.random(in: 1...8, using: &random)).map { _ in UInt8.random(in: 0x61...0x7A, using: &random) }
                    }
                    stream += Array(words.joined(separator: [0x20])) + [0x0D, 0x0A]
                    expected.append(.command(words))
                }
            }
            #expect(RESPRequestParser.parseAll(stream) == expected, "seed \(seed) round \(round)")

            var mutated = stream
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                mutated[Int.random(in: 0..<mutated.count, using: &random)] = Self.alphabet.randomElement(using: &random)!
            }
            let whole = RESPRequestParser.parseAll(mutated)
            var parser = RESPRequestParser()
            var pieces: [RESPParseResult] = []
            for byte in mutated {
                parser.append(CollectionOfOne(byte))
                while let result = parser.next() { pieces.append(result) }
            }
            #expect(pieces == whole, "seed \(seed) round \(round)")
        }
    }
}
