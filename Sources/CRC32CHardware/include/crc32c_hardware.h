// CRC-32C with the CPU's own instruction, for IdentityReconciliation's store files.
//
// Swift cannot emit the x86-64 `crc32` instruction, so these two functions are in C. The
// library's `CRC32C` calls them when `irc_crc32c_hardware_available()` says the CPU has the
// instruction, and computes the same checksum with tables otherwise.

#ifndef IRC_CRC32C_HARDWARE_H
#define IRC_CRC32C_HARDWARE_H

#include <stddef.h>
#include <stdint.h>

/// 1 when this CPU has a CRC-32C instruction the library uses (x86-64 with SSE 4.2), else 0.
int irc_crc32c_hardware_available(void);

/// Advances the raw CRC-32C state `state` (not inverted) over `count` bytes at `bytes`.
/// Call only when `irc_crc32c_hardware_available()` returned 1.
uint32_t irc_crc32c_hardware_update(uint32_t state, const void *bytes, size_t count);

#endif
