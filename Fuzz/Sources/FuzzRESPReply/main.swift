import CairnRESP
import FuzzSupport

/// RESPWriter's replies, RESP2 and RESP3, over reply trees generated from
/// the input, read back by an independent decoder (below): every reply is
/// one well-formed value that consumes the buffer exactly and holds what was
/// written, as the version's rules say (RESP2 has no map, set, double...).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRESPReply(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    var input = FuzzInput(start, count)
    let version: RESPVersion = input.byte() & 1 == 0 ? .resp2 : .resp3
    var budget = 64
    let reply = Generated.make(&input, depth: 0, budget: &budget)
    var writer = RESPWriter(version: version)
    reply.write(to: &writer)
    var decoder = Decoder(bytes: writer.buffer)
    guard let decoded = decoder.value() else {
        fuzzCheck(false, "undecodable reply \(String(decoding: writer.buffer, as: UTF8.self).debugDescription) for \(reply)")
        return 0
    }
    fuzzCheck(decoder.index == writer.buffer.count, "\(writer.buffer.count - decoder.index) bytes after the reply")
    fuzzCheck(reply.matches(decoded, version: version), "\(reply) decoded as \(decoded)")
    return 0
}

/// A reply as the server writes it.
indirect enum Generated {
    case simple([UInt8]), error([UInt8]), integer(Int64), bulk([UInt8]), null, nullArray, double(Double)
    case boolean(Bool), bigNumber([UInt8]), verbatim(format: [UInt8], text: [UInt8])
    case array([Generated]), map([(Generated, Generated)]), set([Generated]), push([Generated])

    static let doubles: [Double] = [0, -0.0, 1.5, -1e300, 1e-300, .infinity, -.infinity, .nan, 0.1 + 0.2, 3, 1 / 3]

    static func make(_ input: inout FuzzInput, depth: Int, budget: inout Int) -> Generated {
        budget -= 1
        let kind = input.below(depth >= 4 || budget <= 0 ? 10 : 14)
        func text() -> [UInt8] { input.take(input.below(12)) }
        func children() -> [Generated] {
            (0..<input.below(5)).map { _ in make(&input, depth: depth + 1, budget: &budget) }
        }
        switch kind {
        case 0: return .simple(text())
        case 1: return .error(text())
        case 2: return .integer(Int64(bitPattern: input.take(8).reduce(0) { $0 << 8 | UInt64($1) }))
        case 3: return .bulk(text())
        case 4: return .null
        case 5: return .nullArray
        case 6:
            let raw = input.take(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            return .double(input.byte() & 1 == 0 ? doubles[Int(raw % UInt64(doubles.count))] : Double(bitPattern: raw))
        case 7: return .boolean(input.byte() & 1 == 1)
        case 8: return .bigNumber(text().map { UInt8(ascii: "0") + $0 % 10 })
        case 9: return .verbatim(format: input.take(input.below(5)), text: text())
        case 10: return .array(children())
        case 11: return .map((0..<input.below(4)).map { _ in
            (make(&input, depth: depth + 1, budget: &budget), make(&input, depth: depth + 1, budget: &budget)) })
        case 12: return .set(children())
        default: return .push(children())
        }
    }

    func write(to writer: inout RESPWriter) {
        switch self {
        case .simple(let text): writer.simpleString(text)
        case .error(let text): writer.errorLine(text)
        case .integer(let value): writer.integer(value)
        case .bulk(let bytes): writer.bulk(bytes)
        case .null: writer.null()
        case .nullArray: writer.nullArray()
        case .double(let value): writer.double(value)
        case .boolean(let value): writer.boolean(value)
        case .bigNumber(let digits): writer.bigNumber(digits)
        case .verbatim(let format, let text): writer.verbatim(format: format, text: text)
        case .array(let elements):
            writer.arrayHeader(count: elements.count)
            for element in elements { element.write(to: &writer) }
        case .map(let pairs):
            writer.mapHeader(count: pairs.count)
            for (key, value) in pairs {
                key.write(to: &writer)
                value.write(to: &writer)
            }
        case .set(let elements):
            writer.setHeader(count: elements.count)
            for element in elements { element.write(to: &writer) }
        case .push(let elements):
            writer.pushHeader(count: elements.count)
            for element in elements { element.write(to: &writer) }
        }
    }

    /// Whether `decoded` is what writing this gives in `version`.
    func matches(_ decoded: Decoded, version: RESPVersion) -> Bool {
        let two = version == .resp2
        func sanitized(_ text: [UInt8]) -> [UInt8] { text.map { $0 == 0x0D || $0 == 0x0A ? 0x20 : $0 } }
        func all(_ elements: [Generated], _ decoded: [Decoded]) -> Bool {
            elements.count == decoded.count && zip(elements, decoded).allSatisfy { $0.matches($1, version: version) }
        }
        switch (self, decoded) {
        case (.simple(let text), .line(UInt8(ascii: "+"), let got)): return got == sanitized(text)
        case (.error(let text), .line(UInt8(ascii: "-"), let got)):
            var trimmed = text[...]
            while let first = trimmed.first, first == 0x0D || first == 0x0A { trimmed.removeFirst() }
            while let last = trimmed.last, last == 0x0D || last == 0x0A { trimmed.removeLast() }
            return got == sanitized(Array(trimmed))
        case (.integer(let value), .line(UInt8(ascii: ":"), let got)): return got == Array(String(value).utf8)
        case (.bulk(let bytes), .blob(UInt8(ascii: "$"), let got)): return got == bytes
        case (.null, .nullBulk): return two
        case (.nullArray, .nullArray): return two
        case (.null, .line(UInt8(ascii: "_"), let got)), (.nullArray, .line(UInt8(ascii: "_"), let got)): return !two && got.isEmpty
        case (.double(let value), .blob(UInt8(ascii: "$"), let got)): return two && Self.same(value, got)
        case (.double(let value), .line(UInt8(ascii: ","), let got)): return !two && Self.same(value, got)
        case (.boolean(let value), .line(UInt8(ascii: ":"), let got)): return two && got == [value ? 0x31 : 0x30]
        case (.boolean(let value), .line(UInt8(ascii: "#"), let got)): return !two && got == [value ? 0x74 : 0x66]
        case (.bigNumber(let digits), .blob(UInt8(ascii: "$"), let got)): return two && got == digits
        case (.bigNumber(let digits), .line(UInt8(ascii: "("), let got)): return !two && got == digits
        case (.verbatim(_, let text), .blob(UInt8(ascii: "$"), let got)): return two && got == text
        case (.verbatim(let format, let text), .blob(UInt8(ascii: "="), let got)):
            var prefix = Array(format.prefix { $0 != 0 }.prefix(3))
            while prefix.count < 3 { prefix.append(0x20) }
            return !two && got == prefix + [UInt8(ascii: ":")] + text
        case (.array(let elements), .aggregate(UInt8(ascii: "*"), let got)): return all(elements, got)
        case (.map(let pairs), .aggregate(let kind, let got)):
            guard kind == (two ? UInt8(ascii: "*") : UInt8(ascii: "%")) else { return false }
            return all(pairs.flatMap { [$0.0, $0.1] }, got)
        case (.set(let elements), .aggregate(let kind, let got)):
            return kind == (two ? UInt8(ascii: "*") : UInt8(ascii: "~")) && all(elements, got)
        case (.push(let elements), .aggregate(let kind, let got)):
            return kind == (two ? UInt8(ascii: "*") : UInt8(ascii: ">")) && all(elements, got)
        default: return false
        }
    }

    /// The double's text reads back as the same double (NaN as a NaN).
    static func same(_ value: Double, _ text: [UInt8]) -> Bool {
        guard let read = Double(String(decoding: text, as: UTF8.self)) else { return false }
        return value.isNaN ? read.isNaN : read == value
    }
}

/// A RESP2/RESP3 value as read, written independently of CairnRESP.
indirect enum Decoded {
    /// `+ - : , ( # _` and their line.
    case line(UInt8, [UInt8])
    /// `$` or `=` and its bytes.
    case blob(UInt8, [UInt8])
    case nullBulk, nullArray
    /// `* % ~ >` and the elements (a map's keys and values in turn).
    case aggregate(UInt8, [Decoded])
}

struct Decoder {
    let bytes: [UInt8]
    var index = 0

    mutating func line() -> [UInt8]? {
        var end = index
        while end + 1 < bytes.count, !(bytes[end] == 0x0D && bytes[end + 1] == 0x0A) { end += 1 }
        guard end + 1 < bytes.count else { return nil }
        defer { index = end + 2 }
        return Array(bytes[index..<end])
    }

    mutating func value() -> Decoded? {
        guard index < bytes.count else { return nil }
        let kind = bytes[index]
        index += 1
        guard let text = line() else { return nil }
        switch kind {
        case UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: ":"), UInt8(ascii: ","), UInt8(ascii: "("),
             UInt8(ascii: "#"), UInt8(ascii: "_"):
            return .line(kind, text)
        case UInt8(ascii: "$"), UInt8(ascii: "="):
            guard let length = Int(String(decoding: text, as: UTF8.self)) else { return nil }
            if length == -1 && kind == UInt8(ascii: "$") { return .nullBulk }
            guard length >= 0, index + length + 2 <= bytes.count,
                  bytes[index + length] == 0x0D, bytes[index + length + 1] == 0x0A else { return nil }
            defer { index += length + 2 }
            return .blob(kind, Array(bytes[index..<index + length]))
        case UInt8(ascii: "*"), UInt8(ascii: "%"), UInt8(ascii: "~"), UInt8(ascii: ">"):
            guard let count = Int(String(decoding: text, as: UTF8.self)) else { return nil }
            if count == -1 && kind == UInt8(ascii: "*") { return .nullArray }
            guard count >= 0 else { return nil }
            var elements: [Decoded] = []
            for _ in 0..<(kind == UInt8(ascii: "%") ? 2 * count : count) {
                guard let element = value() else { return nil }
                elements.append(element)
            }
            return .aggregate(kind, elements)
        default:
            return nil
        }
    }
}
