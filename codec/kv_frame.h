// Pair framing (SPEC R3): <u32le key_len><key><u32le value_len><value>.
#ifndef DXT_CODEC_KV_FRAME_H_
#define DXT_CODEC_KV_FRAME_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "codec/decoded.h"
#include "codec/wire_format.h"

namespace dxt::codec {

// One key/value pair. Both views point into a buffer owned by someone else.
struct PairView {
  std::string_view key;
  std::string_view value;
  friend bool operator==(const PairView&, const PairView&) = default;
};

// Reads a u32 little-endian from 4 bytes (compiles to one load on little-endian machines).
inline uint32_t LoadU32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return uint32_t{u[0]} | (uint32_t{u[1]} << 8) | (uint32_t{u[2]} << 16) | (uint32_t{u[3]} << 24);
}
// Appends a u32 little-endian.
void AppendU32(std::string* out, uint32_t v);

// Decodes one pair at the start of `in`.
//  kOk: value views into `in`; consumed = 8 + key size + value size.
//  kIncomplete: `in` is a proper prefix of a pair (including empty input).
//  kInvalid: a length exceeds limits.max_item_size (R3.2); error_offset is the offset of that
//            length prefix. Nothing is allocated from a claimed length.
inline Decoded<PairView> DecodePair(std::string_view in, const Limits& limits = {});

// Appends the frame of one pair. InvalidArgument if a string is longer than UINT32_MAX.
absl::Status AppendPair(std::string* out, std::string_view key, std::string_view value);

namespace internal {
// The kInvalid answer of DecodePair for a length over the limit, out of line so that the inline
// success path formats no text. `what` is "key" or "value".
Decoded<PairView> PairLengthOverLimit(const char* what, uint64_t length, uint64_t limit,
                                      size_t offset);
}  // namespace internal

// Inline: this is the per-pair hot path of every decoder and of the harness.
inline Decoded<PairView> DecodePair(std::string_view in, const Limits& limits) {
  if (in.size() < kLengthPrefixSize) return Decoded<PairView>::Incomplete();
  const uint64_t key_len = LoadU32(in.data());
  if (key_len > limits.max_item_size) {  // R3.2: refuse before waiting for the bytes.
    return internal::PairLengthOverLimit("key", key_len, limits.max_item_size, 0);
  }
  const uint64_t value_prefix_at = kLengthPrefixSize + key_len;
  if (in.size() < value_prefix_at + kLengthPrefixSize) return Decoded<PairView>::Incomplete();
  const uint64_t value_len = LoadU32(in.data() + value_prefix_at);
  if (value_len > limits.max_item_size) {
    return internal::PairLengthOverLimit("value", value_len, limits.max_item_size,
                                         value_prefix_at);
  }
  const uint64_t total = value_prefix_at + kLengthPrefixSize + value_len;
  if (in.size() < total) return Decoded<PairView>::Incomplete();
  return Decoded<PairView>::Ok(
      PairView{in.substr(kLengthPrefixSize, key_len),
               in.substr(value_prefix_at + kLengthPrefixSize, value_len)},
      total);
}

// Size of the frame of one pair.
inline uint64_t PairFrameSize(std::string_view key, std::string_view value) {
  return 2 * kLengthPrefixSize + key.size() + value.size();
}

}  // namespace dxt::codec

#endif  // DXT_CODEC_KV_FRAME_H_
