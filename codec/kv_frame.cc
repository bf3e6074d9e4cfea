// Pair framing (SPEC R3.1):
//
//   pair      = key-len key value-len value
//   key-len   = u32le            ; <= Limits::max_item_size (R3.2)
//   value-len = u32le            ; <= Limits::max_item_size (R3.2)
//   key       = key-len OCTET
//   value     = value-len OCTET
//
// Lengths are checked against the limit as soon as their 4 bytes are present, and nothing is
// ever allocated from them: the result views point into the caller's span. The success path of
// DecodePair is inline in kv_frame.h (the hot path); error texts are formatted here.
#include "codec/kv_frame.h"

#include <cstring>
#include <limits>

#include "absl/strings/str_cat.h"

namespace dxt::codec {

void AppendU32(std::string* out, uint32_t v) {
  char b[4] = {static_cast<char>(v & 0xFF), static_cast<char>((v >> 8) & 0xFF),
               static_cast<char>((v >> 16) & 0xFF), static_cast<char>((v >> 24) & 0xFF)};
  out->append(b, 4);
}

namespace internal {

Decoded<PairView> PairLengthOverLimit(const char* what, uint64_t length, uint64_t limit,
                                      size_t offset) {
  return Decoded<PairView>::OverLimit(
      absl::StrCat(what, " length ", length, " exceeds limit ", limit, " (R3.2)"), offset, length);
}

}  // namespace internal

absl::Status AppendPair(std::string* out, std::string_view key, std::string_view value) {
  constexpr uint64_t kMax = std::numeric_limits<uint32_t>::max();
  if (key.size() > kMax) {
    return absl::InvalidArgumentError(
        absl::StrCat("key of ", key.size(), " bytes does not fit a u32 length (R3.1)"));
  }
  if (value.size() > kMax) {
    return absl::InvalidArgumentError(
        absl::StrCat("value of ", value.size(), " bytes does not fit a u32 length (R3.1)"));
  }
  out->reserve(out->size() + PairFrameSize(key, value));
  AppendU32(out, static_cast<uint32_t>(key.size()));
  out->append(key);
  AppendU32(out, static_cast<uint32_t>(value.size()));
  out->append(value);
  return absl::OkStatus();
}

}  // namespace dxt::codec
