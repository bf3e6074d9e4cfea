// Pair framing (SPEC R3.1):
//
//   pair      = key-len key value-len value
//   key-len   = u32le            ; <= Limits::max_item_size (R3.2)
//   value-len = u32le            ; <= Limits::max_item_size (R3.2)
//   key       = key-len OCTET
//   value     = value-len OCTET
//
// Lengths are checked against the limit as soon as their 4 bytes are present, and nothing is
// ever allocated from them: the result views point into the caller's span.
#include "codec/kv_frame.h"

#include <cstring>
#include <limits>

#include "absl/strings/str_cat.h"

namespace dxt::codec {

uint32_t LoadU32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return uint32_t{u[0]} | (uint32_t{u[1]} << 8) | (uint32_t{u[2]} << 16) | (uint32_t{u[3]} << 24);
}

void AppendU32(std::string* out, uint32_t v) {
  char b[4] = {static_cast<char>(v & 0xFF), static_cast<char>((v >> 8) & 0xFF),
               static_cast<char>((v >> 16) & 0xFF), static_cast<char>((v >> 24) & 0xFF)};
  out->append(b, 4);
}

Decoded<PairView> DecodePair(std::string_view in, const Limits& limits) {
  using D = Decoded<PairView>;
  if (in.size() < kLengthPrefixSize) return D::Incomplete();
  const uint64_t key_len = LoadU32(in.data());
  if (key_len > limits.max_item_size) {  // R3.2: refuse before waiting for the bytes.
    return D::Invalid(
        absl::StrCat("key length ", key_len, " exceeds limit ", limits.max_item_size, " (R3.2)"),
        0);
  }
  const uint64_t value_prefix_at = kLengthPrefixSize + key_len;
  if (in.size() < value_prefix_at + kLengthPrefixSize) return D::Incomplete();
  const uint64_t value_len = LoadU32(in.data() + value_prefix_at);
  if (value_len > limits.max_item_size) {
    return D::Invalid(absl::StrCat("value length ", value_len, " exceeds limit ",
                                   limits.max_item_size, " (R3.2)"),
                      value_prefix_at);
  }
  const uint64_t total = value_prefix_at + kLengthPrefixSize + value_len;
  if (in.size() < total) return D::Incomplete();
  PairView pair{in.substr(kLengthPrefixSize, key_len),
                in.substr(value_prefix_at + kLengthPrefixSize, value_len)};
  return D::Ok(pair, total);
}

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
