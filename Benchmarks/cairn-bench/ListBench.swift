import Cairn
#if canImport(Glibc)
import Glibc
#endif

/// Gives the pages malloc holds free back to the system (glibc's
/// `malloc_trim`, looked up at run time: `malloc.h` is not in the Glibc
/// module), so resident-set growth counts what a phase allocates. Without
/// it, a list built of 8 KB chunks reuses pages an earlier phase freed,
/// which are already resident, and looks three times smaller than it is.
func releaseFreeMemory() {
    #if canImport(Glibc)
    typealias Trim = @convention(c) (Int) -> Int32
    if let symbol = dlsym(nil, "malloc_trim") {  // nil: RTLD_DEFAULT
        _ = unsafeBitCast(symbol, to: Trim.self)(0)
    }
    #endif
}

/// `cairn-bench lists [N]`: a list used as a queue, N elements (default
/// 1,000,000) of 8 bytes pushed at the tail and popped from the head (the
/// deque side of the 8 KB threshold), then the other way round; and, first,
/// N/10 small lists of 10 ten-byte elements (the packed side). Reports memory per
/// element and per small list as resident-set growth, and ops/s.
func runListWorkload(count: Int) {
    let engine = Engine()
    let rpush = Array("RPUSH".utf8), lpush = Array("LPUSH".utf8)
    let lpop = Array("LPOP".utf8), rpop = Array("RPOP".utf8), lrange = Array("LRANGE".utf8)
    let queue = Array("queue".utf8)
    let elements = (0..<count).map { keyName("v", $0) }  // "v00000042": 9 bytes

    // The small lists first: memory the queue frees stays in the process and
    // would hide their growth.
    let lists = max(1, count / 10)
    let keys = (0..<lists).map { keyName("list:", $0) }
    let value = Bytes(repeating: UInt8(ascii: "v"), count: 10)
    releaseFreeMemory()
    var before = residentBytes()
    let smallSeconds = seconds {
        for key in keys {
            for _ in 0..<10 { _ = engine.execute([rpush, key, value]) }
        }
    }
    var after = residentBytes()
    var total = 0
    let zero = Array("0".utf8), last = Array("-1".utf8)
    let lrangeSeconds = seconds {
        for key in keys { if case .array(let items) = engine.execute([lrange, key, zero, last]) { total += items.count } }
    }
    precondition(total == lists * 10)
    report("lists.small_bytes_per_list", Double(after - before) / Double(lists), "B")
    report("lists.small_rpush_ops_per_sec", Double(lists * 10) / smallSeconds, "ops/s")
    report("lists.small_lrange_ops_per_sec", Double(lists) / lrangeSeconds, "ops/s")

    releaseFreeMemory()
    before = residentBytes()
    let rpushSeconds = seconds {
        for element in elements { _ = engine.execute([rpush, queue, element]) }
    }
    after = residentBytes()
    report("lists.queue_bytes_per_element", Double(after - before) / Double(count), "B")
    report("lists.queue_rpush_ops_per_sec", Double(count) / rpushSeconds, "ops/s")
    var popped = 0
    let lpopSeconds = seconds {
        for _ in 0..<count { if case .bulk = engine.execute([lpop, queue]) { popped += 1 } }
    }
    precondition(popped == count)
    report("lists.queue_lpop_ops_per_sec", Double(count) / lpopSeconds, "ops/s")
    let lpushSeconds = seconds {
        for element in elements { _ = engine.execute([lpush, queue, element]) }
    }
    popped = 0
    let rpopSeconds = seconds {
        for _ in 0..<count { if case .bulk = engine.execute([rpop, queue]) { popped += 1 } }
    }
    precondition(popped == count)
    report("lists.queue_lpush_ops_per_sec", Double(count) / lpushSeconds, "ops/s")
    report("lists.queue_rpop_ops_per_sec", Double(count) / rpopSeconds, "ops/s")

}
