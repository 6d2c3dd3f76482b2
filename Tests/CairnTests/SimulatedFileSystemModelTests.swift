import Testing
import Cairn
import CairnTestSupport

/// The simulation against a plain byte-array model: random writes (with
/// holes), truncates and fallocates, reads checked after every call, and
/// power cuts that keep nothing checked against the image of the last sync.
/// Where two byte arrays first differ, short enough for a failure message.
private func difference(_ actual: [UInt8]?, _ expected: [UInt8]) -> String? {
    guard let actual else { return "no file" }
    if actual == expected { return nil }
    let index = zip(actual, expected).prefix { $0 == $1 }.count
    return "length \(actual.count) vs \(expected.count), first difference at \(index)"
}

@Suite struct SimulatedFileSystemModelTests {
    @Test func randomOperationsMatchAByteArrayModel() throws {
        var exactCuts = 0
        for seed in UInt64(0) ..< 40 {
            var random = RandomSource(seed: seed)
            func below(_ bound: Int) -> Int { Int(random.next() % UInt64(bound)) }
            let (fs, file) = try simulatedDataDirectory(seed: seed)
            var cache: [UInt8] = []
            var durable: [UInt8] = []
            for step in 0 ..< 60 {
                switch below(10) {
                case 0 ..< 6:
                    let offset = below(20_000), bytes = simulatedPattern(1 + below(3000), tag: step)
                    try fs.writeAll(file, bytes, at: Int64(offset))
                    if cache.count < offset + bytes.count { cache += [UInt8](repeating: 0, count: offset + bytes.count - cache.count) }
                    cache.replaceSubrange(offset ..< offset + bytes.count, with: bytes)
                case 6:
                    let length = below(20_000)
                    try fs.truncate(file, to: Int64(length))
                    cache = length < cache.count ? Array(cache.prefix(length)) : cache + [UInt8](repeating: 0, count: length - cache.count)
                case 7:
                    let offset = below(20_000), length = 1 + below(5000)
                    try fs.fallocate(file, offset: Int64(offset), length: Int64(length))
                    cache += [UInt8](repeating: 0, count: max(0, offset + length - cache.count))
                default:
                    try fs.fdatasync(file)
                    durable = cache
                }
                #expect(difference(fs.contents(of: "/data/000001.wal"), cache) == nil, "seed \(seed) step \(step)")
                #expect(difference(try fs.read(file, count: cache.count + 10, at: 0), cache) == nil, "seed \(seed) step \(step)")
            }
            for cut in UInt64(0) ..< 20 {
                let outcome = fs.powerCutOutcome(seed: cut)
                guard outcome.keptWrites == 0 && outcome.tornWrites == 0 else { continue }
                exactCuts += 1
                #expect(difference(fs.crashedCopy(seed: cut).contents(of: "/data/000001.wal"), durable) == nil,
                        "seed \(seed) cut \(cut): a cut that keeps nothing gives the last synced image")
            }
        }
        #expect(exactCuts > 20, "only \(exactCuts) cuts kept nothing")
    }

    @Test func thousandsOfCutsOfAPreallocatedSegmentAreCheap() throws {
        let (fs, file) = try simulatedDataDirectory(seed: 11)
        try fs.fallocate(file, offset: 0, length: 64 << 20)
        try fs.fdatasync(file)
        var synced = 0
        for record in 0 ..< 200 {
            try fs.writeAll(file, simulatedPattern(100, tag: record), at: Int64(record * 100))
            if record % 10 == 9 {
                try fs.fdatasync(file)
                synced = (record + 1) * 100
            }
        }
        let expected = (0 ..< synced / 100).flatMap { simulatedPattern(100, tag: $0) }
        for seed in UInt64(0) ..< 2000 {
            let rebooted = fs.crashedCopy(seed: seed)
            let head = try rebooted.read(try rebooted.open("/data/000001.wal", .readOnly, options: []), count: synced, at: 0)
            #expect(difference(head, expected) == nil, "seed \(seed): every synced record survives")
        }
    }
}
