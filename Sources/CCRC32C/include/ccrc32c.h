#ifndef CAIRN_CCRC32C_H
#define CAIRN_CCRC32C_H

// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of
// leveldb's and RocksDB's logs, and of Cairn's write-ahead log (docs/FORMAT.md).
//
// The convention is leveldb's crc32c::Extend: the running value is the
// finished CRC of the bytes so far, so
//     cairn_crc32c_extend(cairn_crc32c_extend(0, a, n), b, m)
// equals the CRC of a followed by b, and cairn_crc32c_extend(0, "123456789", 9)
// is 0xE3069283.

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The CRC-32C of `crc`'s bytes followed by `n` bytes at `data`; the SSE4.2
/// `crc32` instruction when the CPU has it, else a table. `data` may be NULL
/// when `n` is 0.
uint32_t cairn_crc32c_extend(uint32_t crc, const void *data, size_t n);

/// The same result as cairn_crc32c_extend, always computed by the table
/// (so tests can hold the two paths against each other).
uint32_t cairn_crc32c_extend_software(uint32_t crc, const void *data, size_t n);

/// 1 when cairn_crc32c_extend uses the CPU's CRC-32C instruction, else 0.
int cairn_crc32c_hardware_available(void);

#ifdef __cplusplus
}
#endif

#endif
