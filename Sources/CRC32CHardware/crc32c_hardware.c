#include "crc32c_hardware.h"

#include <string.h>

#if defined(__x86_64__)
#include <cpuid.h>
#include <nmmintrin.h>

int irc_crc32c_hardware_available(void) {
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    return (ecx & bit_SSE4_2) != 0;
}

// Compiled for SSE 4.2 alone, so the rest of the library keeps running on any x86-64 CPU.
__attribute__((target("sse4.2")))
uint32_t irc_crc32c_hardware_update(uint32_t state, const void *bytes, size_t count) {
    const unsigned char *next = bytes;
    uint64_t crc = state;
    while (count >= 8) {
        uint64_t word;
        memcpy(&word, next, sizeof word);  // records are not aligned
        crc = _mm_crc32_u64(crc, word);
        next += 8;
        count -= 8;
    }
    uint32_t crc32 = (uint32_t)crc;
    while (count > 0) {
        crc32 = _mm_crc32_u8(crc32, *next);
        next += 1;
        count -= 1;
    }
    return crc32;
}

#else

// Elsewhere the library computes CRC-32C with its tables.
int irc_crc32c_hardware_available(void) { return 0; }

uint32_t irc_crc32c_hardware_update(uint32_t state, const void *bytes, size_t count) {
    (void)bytes;
    (void)count;
    return state;
}

#endif
