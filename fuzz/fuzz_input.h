// A tiny, deterministic splitter of a fuzzer's input into typed choices, used by the targets
// that build structured values (roundtrip, stream_differential, log_line). It replaces
// <fuzzer/FuzzedDataProvider.h>, which lives in clang's resource directory and is not visible to
// g++: every target must also build as a plain replay binary with gcc, and both builds must read
// a corpus file the same way.
//
// Contract: every Take* call consumes bytes from the front and never fails; once the input is
// exhausted, numbers are 0 (or `lo`) and strings are empty.
#ifndef DXT_FUZZ_FUZZ_INPUT_H_
#define DXT_FUZZ_FUZZ_INPUT_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace dxt::fuzz {

class FuzzInput {
 public:
  FuzzInput(const uint8_t* data, size_t size) : rest_(reinterpret_cast<const char*>(data), size) {}

  bool empty() const { return rest_.empty(); }
  size_t remaining() const { return rest_.size(); }

  uint8_t TakeByte() {
    if (rest_.empty()) return 0;
    const uint8_t b = static_cast<uint8_t>(rest_.front());
    rest_.remove_prefix(1);
    return b;
  }

  // A value in [lo, hi] (hi >= lo) built from up to 4 bytes, fewer when the range is small.
  uint32_t TakeInRange(uint32_t lo, uint32_t hi) {
    const uint64_t span = uint64_t{hi} - lo + 1;
    uint64_t v = 0;
    for (uint64_t reach = 1; reach < span && !rest_.empty(); reach <<= 8) {
      v = (v << 8) | TakeByte();
    }
    return static_cast<uint32_t>(lo + v % span);
  }

  bool TakeBool() { return (TakeByte() & 1) != 0; }

  // Up to `n` bytes (fewer at the end of the input).
  std::string_view TakeBytes(size_t n) {
    if (n > rest_.size()) n = rest_.size();
    std::string_view out = rest_.substr(0, n);
    rest_.remove_prefix(n);
    return out;
  }

  // A string whose length (0..max_len) is chosen by the input before its bytes.
  std::string_view TakeString(size_t max_len) {
    return TakeBytes(TakeInRange(0, static_cast<uint32_t>(max_len)));
  }

  // Everything left.
  std::string_view TakeRest() { return TakeBytes(rest_.size()); }

 private:
  std::string_view rest_;
};

}  // namespace dxt::fuzz

#endif  // DXT_FUZZ_FUZZ_INPUT_H_
