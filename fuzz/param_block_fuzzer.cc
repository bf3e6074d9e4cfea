// DecodeParamBlock and ParseParamDict on arbitrary bytes (SPEC R2): never crash, stay inside the
// input, and an accepted dictionary survives EncodeParamDict -> decode unchanged (keys and values
// are arbitrary bytes, R2.3).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "codec/param_block.h"
#include "fuzz/fuzz_check.h"

namespace {

using dxt::codec::Limits;
using dxt::codec::PairView;

bool Within(std::string_view part, std::string_view whole) {
  return part.empty() ||
         (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// The dictionary grammar, checked on a body the exact parser accepted.
void CheckDict(std::string_view body) {
  const auto dict = dxt::codec::ParseParamDict(body);
  DXT_FUZZ_CHECK(!dict.incomplete());
  if (dict.invalid()) {
    DXT_FUZZ_CHECK(!dict.reason.empty() && dict.error_offset <= body.size());
    return;
  }
  DXT_FUZZ_CHECK(dict.consumed == body.size());
  dxt::codec::ParamDict owned;
  for (const PairView& p : dict.value) {
    DXT_FUZZ_CHECK(Within(p.key, body) && Within(p.value, body));
    owned.emplace_back(std::string(p.key), std::string(p.value));
  }
  // Round trip through the canonical encoding.
  const std::string block = dxt::codec::EncodeParamDict(owned);
  const auto framed = dxt::codec::DecodeParamBlock(block);
  DXT_FUZZ_CHECK(framed.ok() && framed.consumed == block.size());
  const auto again = dxt::codec::ParseParamDict(framed.value);
  DXT_FUZZ_CHECK(again.ok() && again.value == dict.value);
  if (owned.empty()) DXT_FUZZ_CHECK(block == dxt::codec::kEmptyParamBlock);
}

void CheckBlock(std::string_view in, const Limits& limits) {
  const auto block = dxt::codec::DecodeParamBlock(in, limits);
  if (block.ok()) {
    DXT_FUZZ_CHECK(block.consumed <= in.size() && Within(block.value, in));
    DXT_FUZZ_CHECK(block.value.size() <= limits.max_item_size);
    DXT_FUZZ_CHECK(block.value.data() + block.value.size() == in.data() + block.consumed);
    // Header is 1*20DIGIT "\n".
    const size_t header = block.consumed - block.value.size();
    DXT_FUZZ_CHECK(header >= 2 && header <= dxt::codec::kMaxDecimalDigits + 1);
    DXT_FUZZ_CHECK(in[header - 1] == '\n');
    for (size_t i = 0; i + 1 < header; ++i) DXT_FUZZ_CHECK(IsDigit(in[i]));
    // A proper prefix is incomplete.
    DXT_FUZZ_CHECK(
        dxt::codec::DecodeParamBlock(in.substr(0, block.consumed - 1), limits).incomplete());
    CheckDict(block.value);
    const std::string raw = dxt::codec::EncodeParamRaw(block.value);
    const auto raw_again = dxt::codec::DecodeParamBlock(raw);
    DXT_FUZZ_CHECK(raw_again.ok() && raw_again.value == block.value &&
                   raw_again.consumed == raw.size());
  } else if (block.invalid()) {
    DXT_FUZZ_CHECK(!block.reason.empty() && block.error_offset < in.size());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  CheckBlock(in, Limits{.max_item_size = 1 << 20});
  CheckBlock(in, Limits{.max_item_size = 16});
  CheckDict(in);  // the whole input as a dictionary body
  return 0;
}
