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

// Reads a u32 little-endian from 4 bytes.
uint32_t LoadU32(const char* p);
// Appends a u32 little-endian.
void AppendU32(std::string* out, uint32_t v);

// Decodes one pair at the start of `in`.
//  kOk: value views into `in`; consumed = 8 + key size + value size.
//  kIncomplete: `in` is a proper prefix of a pair (including empty input).
//  kInvalid: a length exceeds limits.max_item_size (R3.2); error_offset is the offset of that
//            length prefix. Nothing is allocated from a claimed length.
Decoded<PairView> DecodePair(std::string_view in, const Limits& limits = {});

// Appends the frame of one pair. InvalidArgument if a string is longer than UINT32_MAX.
absl::Status AppendPair(std::string* out, std::string_view key, std::string_view value);

// Size of the frame of one pair.
inline uint64_t PairFrameSize(std::string_view key, std::string_view value) {
  return 2 * kLengthPrefixSize + key.size() + value.size();
}

}  // namespace dxt::codec

#endif  // DXT_CODEC_KV_FRAME_H_
