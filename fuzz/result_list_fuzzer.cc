// DecodeListHeader / DecodeResultList on arbitrary bytes (SPEC R4): never crash, stay inside the
// input, agree with each other and with pair-by-pair decoding, and re-encode to the consumed bytes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "codec/kv_frame.h"
#include "codec/result_list.h"
#include "fuzz/fuzz_check.h"

namespace {

using dxt::codec::Limits;

void CheckOne(std::string_view in, const Limits& limits) {
  const auto header = dxt::codec::DecodeListHeader(in, limits);
  const auto list = dxt::codec::DecodeResultList(in, limits);
  if (in.size() < dxt::codec::kListHeaderSize) {
    DXT_FUZZ_CHECK(header.incomplete() && list.incomplete());
    return;
  }
  const uint32_t count = dxt::codec::LoadU32(in.data());
  DXT_FUZZ_CHECK(header.ok() == (count <= limits.max_pairs_per_list));
  if (header.ok()) {
    DXT_FUZZ_CHECK(header.value == count && header.consumed == dxt::codec::kListHeaderSize);
  } else {
    DXT_FUZZ_CHECK(header.invalid() && list.invalid() && list.error_offset == 0);
    return;
  }
  // The list must be exactly `count` pairs decoded one after another.
  size_t pos = dxt::codec::kListHeaderSize;
  bool complete = true;
  for (uint32_t i = 0; i < count; ++i) {
    const auto p = dxt::codec::DecodePair(in.substr(pos), limits);
    if (p.invalid()) {
      DXT_FUZZ_CHECK(list.invalid() && list.error_offset == pos + p.error_offset);
      return;
    }
    if (p.incomplete()) {
      complete = false;
      break;
    }
    pos += p.consumed;
  }
  if (!complete) {
    DXT_FUZZ_CHECK(list.incomplete());
    return;
  }
  DXT_FUZZ_CHECK(list.ok() && list.consumed == pos && list.value.pairs.size() == count);
  std::string again;
  DXT_FUZZ_CHECK(dxt::codec::AppendResultList(&again, list.value.pairs).ok());
  DXT_FUZZ_CHECK(again == in.substr(0, list.consumed));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  CheckOne(in, Limits{.max_item_size = 1 << 20, .max_pairs_per_list = 1 << 16});
  CheckOne(in, Limits{.max_item_size = 8, .max_pairs_per_list = 4});
  CheckOne(in, Limits{});  // a claimed count of 4 billion must cost nothing
  return 0;
}
