import Cairn
#if canImport(Glibc)
import Glibc
#endif

// Release-mode benchmarks of the in-process engine. Each workload runs in
// its own process (`cairn-bench WORKLOAD [N]`) so RSS growth belongs to it.
// Benchmarks/foundation.sh runs them next to redis-server.

func residentBytes() -> Int {
    guard let file = fopen("/proc/self/statm", "r") else { return 0 }
    defer { fclose(file) }
    var size = 0, resident = 0
    withUnsafeMutablePointer(to: &size) { sizePointer in
        withUnsafeMutablePointer(to: &resident) { residentPointer in
            _ = withVaList([sizePointer, residentPointer]) { vfscanf(file, "%ld %ld", $0) }
        }
    }
    return resident * Int(sysconf(Int32(_SC_PAGESIZE)))
}

func seconds<E: Error>(_ body: () throws(E) -> Void) throws(E) -> Double {
    let start = ContinuousClock.now
    try body()
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

func keyName(_ prefix: String, _ index: Int) -> Bytes {
    let digits = String(index)
    return Array((prefix + String(repeating: "0", count: max(0, 8 - digits.count)) + digits).utf8)
}

func report(_ name: String, _ value: Double, _ unit: String) {
    print("\(name)\t\((value * 10).rounded() / 10)\t\(unit)")
}

let arguments = CommandLine.arguments
let workload = arguments.count > 1 ? arguments[1] : "strings"
let count = arguments.count > 2 ? Int(arguments[2]) ?? 1_000_000 : 1_000_000
let engine = Engine()
let set = Array("SET".utf8), get = Array("GET".utf8)

switch workload {
case "strings":
    // 1,000,000 keys key:%08d with 100-byte values (the memory target).
    let value = Bytes(repeating: UInt8(ascii: "x"), count: 100)
    let keys = (0..<count).map { keyName("key:", $0) }
    let before = residentBytes()
    let setSeconds = seconds {
        for key in keys { _ = engine.execute([set, key, value]) }
    }
    let after = residentBytes()
    var hits = 0
    let getSeconds = seconds {
        for key in keys { if case .bulk = engine.execute([get, key]) { hits += 1 } }
    }
    precondition(hits == count)
    report("strings.bytes_per_key", Double(after - before) / Double(count), "B")
    report("strings.set_ops_per_sec", Double(count) / setSeconds, "ops/s")
    report("strings.get_ops_per_sec", Double(count) / getSeconds, "ops/s")
case "hashes":
    // 100,000 hashes of 10 fields with 10-byte values.
    let hset = Array("HSET".utf8), hgetall = Array("HGETALL".utf8)
    let value = Bytes(repeating: UInt8(ascii: "v"), count: 10)
    let fields = (0..<10).map { Array("field\($0)".utf8) }
    let keys = (0..<count).map { keyName("hash:", $0) }
    let before = residentBytes()
    let hsetSeconds = seconds {
        for key in keys {
            for field in fields { _ = engine.execute([hset, key, field, value]) }
        }
    }
    let after = residentBytes()
    var total = 0
    let hgetallSeconds = seconds {
        for key in keys { if case .map(let pairs) = engine.execute([hgetall, key]) { total += pairs.count } }
    }
    precondition(total == count * 20)
    report("hashes.bytes_per_hash", Double(after - before) / Double(count), "B")
    report("hashes.hset_ops_per_sec", Double(count * 10) / hsetSeconds, "ops/s")
    report("hashes.hgetall_ops_per_sec", Double(count) / hgetallSeconds, "ops/s")
case "lists":
    runListWorkload(count: count)
case "sets":
    // 100,000 sets of 10 members (short strings, so hash tables: the
    // general form), then 100,000 sets of 10 small integers (intsets).
    let sadd = Array("SADD".utf8), sismember = Array("SISMEMBER".utf8)
    let members = (0..<10).map { Array("member\($0)".utf8) }
    let integers = (0..<10).map { Array(String($0 * 1000).utf8) }
    let keys = (0..<count).map { keyName("set:", $0) }
    let intKeys = (0..<count).map { keyName("iset:", $0) }
    let before = residentBytes()
    let saddSeconds = seconds {
        for key in keys {
            for member in members { _ = engine.execute([sadd, key, member]) }
        }
    }
    let afterTables = residentBytes()
    for key in intKeys {
        for member in integers { _ = engine.execute([sadd, key, member]) }
    }
    let afterIntsets = residentBytes()
    var hits = 0
    let sismemberSeconds = seconds {
        for key in keys {
            for member in members { if engine.execute([sismember, key, member]) == .integer(1) { hits += 1 } }
        }
    }
    precondition(hits == count * 10)
    report("sets.bytes_per_set", Double(afterTables - before) / Double(count), "B")
    report("sets.bytes_per_member", Double(afterTables - before) / Double(count * 10), "B")
    report("sets.intset_bytes_per_set", Double(afterIntsets - afterTables) / Double(count), "B")
    report("sets.sadd_ops_per_sec", Double(count * 10) / saddSeconds, "ops/s")
    report("sets.sismember_ops_per_sec", Double(count * 10) / sismemberSeconds, "ops/s")
case "zsets":
    // One sorted set of N members, then the structure against a sorted array (SortedSetBench.swift).
    runSortedSetWorkload(count: count)
case "snapshot":
    // Options after the count: keep (leave the directory), random (pseudo-random values LZ4 cannot shrink).
    runSnapshotWorkload(strings: count, keep: arguments.dropFirst(3).contains("keep"),
                        randomValues: arguments.dropFirst(3).contains("random"))
case "snapshot-open":
    runSnapshotOpen(directory: arguments.count > 2 ? arguments[2] : ".")
case "fdatasync", "recovery", "recovery-open", "durable-writes", "group-commit":
    // The log benchmarks (Benchmarks/log.sh), in their own files.
    runLogWorkload(workload, arguments: Array(arguments.dropFirst(2)))
default:
    print("usage: cairn-bench strings|hashes|lists|sets|zsets|fdatasync|recovery|durable-writes|group-commit [N]")
    exit(2)
}
