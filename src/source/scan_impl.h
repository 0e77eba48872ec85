// Internal: the block loop of scan_to_separator, compiled once per instruction
// set (scan.cc: baseline SSE2; scan_avx2.cc: AVX2). Everything here has
// internal linkage and uses compiler builtins rather than std:: templates, so
// the two copies can never be merged by the linker (an ODR trap with -mavx2).
#pragma once

#include <cstdint>
#include <cstring>

#include "source/scan.h"

namespace netinspect::source::detail {
namespace {

// One bit per byte of a 64-byte block.
struct BlockMasks {
  std::uint64_t quote = 0, backslash = 0, open = 0, close = 0, comma = 0;
};

// Bytes escaped by a backslash. Backslashes are rare in snapshots, so a loop
// over them beats branch-free odd-run arithmetic in practice.
// `carry` is 1 when the previous block ended with an escaping backslash.
inline std::uint64_t escaped_bytes(std::uint64_t backslash, std::uint64_t& carry) {
  std::uint64_t escaped = carry;
  std::uint64_t escapers = backslash & ~escaped;
  carry = 0;
  while (escapers != 0) {
    const int i = __builtin_ctzll(escapers);
    escapers &= escapers - 1;
    if (i == 63) {
      carry = 1;
      break;
    }
    const std::uint64_t next = std::uint64_t{1} << (i + 1);
    escaped |= next;
    escapers &= ~next;  // an escaped backslash escapes nothing
  }
  return escaped;
}

// Isa provides: static BlockMasks classify(const char* block64);
//               static std::uint64_t prefix_xor(std::uint64_t);  bit i = xor of bits 0..i
//               static int popcount(std::uint64_t);
template <class Isa>
inline ScanResult scan_blocks(std::string_view text, std::size_t start, bool stop_at_comma) {
  const char* const base = text.data();
  const std::size_t size = text.size();
  std::uint64_t in_string = 0;  // all ones when the previous block ended inside a string
  std::uint64_t escape_carry = 0;
  std::int64_t depth = 0;
  alignas(32) char tail[64];
  for (std::size_t pos = start; pos < size; pos += 64) {
    const char* block = base + pos;
    if (size - pos < 64) {
      // Spaces are neutral: they cannot open strings or count as structure.
      std::memset(tail, ' ', sizeof tail);
      std::memcpy(tail, block, size - pos);
      block = tail;
    }
    const BlockMasks m = Isa::classify(block);
    std::uint64_t quotes = m.quote;
    if ((m.backslash | escape_carry) != 0) quotes &= ~escaped_bytes(m.backslash, escape_carry);
    const std::uint64_t strings = Isa::prefix_xor(quotes) ^ in_string;
    in_string = static_cast<std::uint64_t>(static_cast<std::int64_t>(strings) >> 63);

    const std::uint64_t open = m.open & ~strings;
    const std::uint64_t close = m.close & ~strings;
    const std::int64_t closes = Isa::popcount(close);
    // Depth cannot reach 0 in this block: no stop possible, count and move on.
    if (depth > closes) {
      depth += Isa::popcount(open) - closes;
      continue;
    }
    // Walk the brackets; commas only matter while at depth 0, which is rare
    // inside an entry, so they are checked a range at a time, not one by one.
    std::uint64_t brackets = open | close;
    std::uint64_t commas = stop_at_comma ? m.comma & ~strings : 0;
    for (;;) {
      const std::uint64_t next = brackets & (0 - brackets);  // lowest bracket, 0 if none
      if (depth == 0) {
        const std::uint64_t before_next = commas & (next - 1);  // all commas when next == 0
        if (before_next != 0) return {pos + static_cast<std::size_t>(__builtin_ctzll(before_next)), false};
      }
      if (next == 0) break;
      brackets ^= next;
      if (open & next) {
        ++depth;
      } else if (depth == 0) {
        return {pos + static_cast<std::size_t>(__builtin_ctzll(next)), false};
      } else {
        --depth;
      }
      commas &= ~((next << 1) - 1);  // drop commas at or before this bracket
    }
  }
  return {ScanResult::kNotFound, in_string != 0};
}

}  // namespace
}  // namespace netinspect::source::detail
