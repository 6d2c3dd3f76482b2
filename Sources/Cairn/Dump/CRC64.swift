/// Redis's CRC-64 (src/crc64.c): the Jones polynomial, reflected
/// (0x95AC9329AC4BC9B5), initial value 0, no final xor. It closes every
/// `DUMP` payload, so Cairn's payloads and Redis's check each other.
/// `crc64(0, "123456789") == 0xE9C6D914C4B8D9CA`.
enum CRC64 {
    private static let table: [UInt64] = (0..<256).map { index in
        var crc = UInt64(index)
        for _ in 0..<8 {
            crc = crc & 1 == 1 ? (crc >> 1) ^ 0x95AC_9329_AC4B_C9B5 : crc >> 1
        }
        return crc
    }

    static func checksum<C: Collection>(_ bytes: C, seed: UInt64 = 0) -> UInt64 where C.Element == UInt8 {
        var crc = seed
        table.withUnsafeBufferPointer { table in
            for byte in bytes {
                crc = table[Int(UInt8(truncatingIfNeeded: crc) ^ byte)] ^ (crc >> 8)
            }
        }
        return crc
    }
}
