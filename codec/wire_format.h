// The three wire formats of Disco's classic external-program protocol, written down once.
// Rule numbers refer to docs/PROTOCOL.md.
//
// Pair frame (R3.1), both directions:
//   +----------------+-----------+------------------+-------------+
//   | key_len: u32le | key bytes | value_len: u32le | value bytes |
//   +----------------+-----------+------------------+-------------+
//   An empty string is a zero length and no bytes. Bytes are opaque.
//
// Result list (R4.1), program -> driver:
//   +--------------+--------------------------+
//   | count: u32le | exactly `count` frames   |   count may be 0
//   +--------------+--------------------------+
//
// Parameter block (R2.1), the first bytes on a program's stdin:
//   <decimal body length> "\n" <body>
//   dictionary body: for each entry  <dec len(key)> " " <key> " " <dec len(value)> " " <value> "\n"
//   no parameters: exactly "0\n" (R2.2); a raw string body is sent as is (R2.4).
//
// Log line (R7.1), program stderr:
//   "**<MSG>" or "**<ERR>" (7 bytes), optional customary space, text, "\n".
#ifndef DXT_CODEC_WIRE_FORMAT_H_
#define DXT_CODEC_WIRE_FORMAT_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace dxt::codec {

inline constexpr size_t kLengthPrefixSize = 4;  // u32 little-endian
inline constexpr size_t kListHeaderSize = 4;    // u32 little-endian count

// Largest key or value accepted by default (R3.2): 1 GiB, as the original worker.
inline constexpr uint64_t kDefaultMaxItemSize = uint64_t{1} << 30;
// Largest count accepted in a result list by default: anything a u32 can say.
inline constexpr uint64_t kDefaultMaxPairsPerList = UINT32_MAX;
// Longest decimal length accepted in a parameter block header or entry (2^64 has 20 digits).
inline constexpr size_t kMaxDecimalDigits = 20;

inline constexpr std::string_view kEmptyParamBlock = "0\n";

inline constexpr std::string_view kMsgPrefix = "**<MSG>";
inline constexpr std::string_view kErrPrefix = "**<ERR>";
inline constexpr size_t kLogPrefixSize = 7;

// Decoder limits. Every claimed length is checked against these before anything is allocated.
struct Limits {
  uint64_t max_item_size = kDefaultMaxItemSize;           // per key, per value, per parameter body
  uint64_t max_pairs_per_list = kDefaultMaxPairsPerList;  // per result list
};

}  // namespace dxt::codec

#endif  // DXT_CODEC_WIRE_FORMAT_H_
