// The three-way answer of every dxt decoder (STYLE habit 1).
#ifndef DXT_CODEC_DECODED_H_
#define DXT_CODEC_DECODED_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

namespace dxt::codec {

enum class DecodeStatus {
  kOk,          // `value` holds the decoded item; `consumed` bytes were used.
  kIncomplete,  // The input is a proper prefix of a valid encoding: give me more bytes.
  kInvalid,     // The input can never become valid: `reason` says why, `error_offset` where.
};

// Result of a one-shot decode of a byte span. Views inside `value` point into the caller's
// buffer and live as long as it does.
template <typename T>
struct Decoded {
  DecodeStatus status = DecodeStatus::kIncomplete;
  T value{};
  size_t consumed = 0;      // kOk only
  std::string reason;       // kInvalid only, e.g. "key length 4294967295 exceeds limit 1073741824"
  size_t error_offset = 0;  // kInvalid only: offset of the offending byte in the input span
  bool over_limit = false;  // kInvalid only: a length or count above the decoder's limit (R3.2)
  uint64_t claimed = 0;     // over_limit only: the length or count claimed

  bool ok() const { return status == DecodeStatus::kOk; }
  bool incomplete() const { return status == DecodeStatus::kIncomplete; }
  bool invalid() const { return status == DecodeStatus::kInvalid; }

  static Decoded Ok(T v, size_t n) {
    Decoded d;
    d.status = DecodeStatus::kOk;
    d.value = std::move(v);
    d.consumed = n;
    return d;
  }
  static Decoded Incomplete() { return Decoded{}; }
  static Decoded Invalid(std::string why, size_t offset) {
    Decoded d;
    d.status = DecodeStatus::kInvalid;
    d.reason = std::move(why);
    d.error_offset = offset;
    return d;
  }
  static Decoded OverLimit(std::string why, size_t offset, uint64_t claimed) {
    Decoded d = Invalid(std::move(why), offset);
    d.over_limit = true;
    d.claimed = claimed;
    return d;
  }
  // The same error for another item type (a list passing on its pair's error).
  template <typename U>
  static Decoded From(const Decoded<U>& e, std::string why, size_t offset) {
    Decoded d = Invalid(std::move(why), offset);
    d.over_limit = e.over_limit;
    d.claimed = e.claimed;
    return d;
  }
};

}  // namespace dxt::codec

#endif  // DXT_CODEC_DECODED_H_
