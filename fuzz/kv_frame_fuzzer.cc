// DecodePair on arbitrary bytes (SPEC R3): never crashes, never reads past the input, and what it
// accepts re-encodes to exactly the bytes it consumed.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "codec/kv_frame.h"
#include "fuzz/fuzz_check.h"

namespace {

using dxt::codec::DecodePair;
using dxt::codec::Limits;

bool Within(std::string_view part, std::string_view whole) {
  return part.empty() ||
         (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

void CheckOne(std::string_view in, const Limits& limits) {
  const auto d = DecodePair(in, limits);
  if (d.ok()) {
    const auto& p = d.value;
    DXT_FUZZ_CHECK(d.consumed == dxt::codec::PairFrameSize(p.key, p.value));
    DXT_FUZZ_CHECK(d.consumed <= in.size());
    DXT_FUZZ_CHECK(Within(p.key, in) && Within(p.value, in));
    DXT_FUZZ_CHECK(p.key.size() <= limits.max_item_size && p.value.size() <= limits.max_item_size);
    std::string again;
    DXT_FUZZ_CHECK(dxt::codec::AppendPair(&again, p.key, p.value).ok());
    DXT_FUZZ_CHECK(again == in.substr(0, d.consumed));
    // STYLE habit 8: every proper prefix of a valid encoding is "incomplete" (checked on a few
    // prefixes, to keep large inputs fast).
    for (size_t n : {size_t{0}, size_t{3}, size_t{4}, d.consumed / 2, d.consumed - 1}) {
      if (n < d.consumed) DXT_FUZZ_CHECK(DecodePair(in.substr(0, n), limits).incomplete());
    }
  } else if (d.invalid()) {
    DXT_FUZZ_CHECK(!d.reason.empty());
    DXT_FUZZ_CHECK(d.error_offset < in.size());
  } else {
    // Incomplete: at most the whole input is a prefix, so appending bytes may still complete it.
    DXT_FUZZ_CHECK(d.consumed == 0);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  CheckOne(in, Limits{.max_item_size = 1 << 20});
  CheckOne(in, Limits{.max_item_size = 16});
  CheckOne(in, Limits{});  // the default 1 GiB limit: nothing is allocated from a claimed length
  return 0;
}
