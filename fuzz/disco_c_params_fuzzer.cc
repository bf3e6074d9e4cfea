// ReadParamsLikeDiscoC (the model of the original C library's misreading, SPEC R2.5) never
// crashes and never consumes more than the stream holds. Where no misreading can happen, it must
// agree with the exact reader:
//
//   If DecodeParamBlock + ParseParamDict accept the start of the stream, and every key and value
//   is non-empty, does not begin with a C whitespace byte (" \t\n\v\f\r") and holds no NUL, then
//   the C model returns kOk, consumes exactly the block, and its dictionary equals the exact one
//   with duplicate keys collapsed (first-seen order, last value wins).
//
// Why those conditions suffice: fscanf("%u %n") only misreads by skipping whitespace that starts
// a key or value; an empty value is where the skip can run past the block; NUL cuts a C-string key.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "codec/disco_c_params.h"
#include "codec/param_block.h"
#include "fuzz/fuzz_check.h"

namespace {

using dxt::codec::DiscoCParamsReading;
using dxt::codec::PairView;

bool IsCSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

bool Unambiguous(std::string_view s) {
  return !s.empty() && !IsCSpace(s.front()) && s.find('\0') == std::string_view::npos;
}

// The dictionary a JudySL-backed program ends up with.
std::vector<std::pair<std::string, std::string>> Collapse(const std::vector<PairView>& entries) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const PairView& e : entries) {
    bool seen = false;
    for (auto& kv : out) {
      if (kv.first == e.key) {
        kv.second = std::string(e.value);
        seen = true;
      }
    }
    if (!seen) out.emplace_back(std::string(e.key), std::string(e.value));
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view stream(reinterpret_cast<const char*>(data), size);
  const DiscoCParamsReading c = dxt::codec::ReadParamsLikeDiscoC(stream);
  DXT_FUZZ_CHECK(c.consumed <= stream.size());
  if (c.outcome == DiscoCParamsReading::Outcome::kDied) DXT_FUZZ_CHECK(!c.die_message.empty());

  const auto block = dxt::codec::DecodeParamBlock(stream);
  if (!block.ok()) return 0;
  const auto dict = dxt::codec::ParseParamDict(block.value);
  if (!dict.ok()) return 0;
  for (const PairView& e : dict.value) {
    if (!Unambiguous(e.key) || !Unambiguous(e.value)) return 0;
  }
  DXT_FUZZ_CHECK(c.outcome == DiscoCParamsReading::Outcome::kOk);
  DXT_FUZZ_CHECK(c.consumed == block.consumed);
  DXT_FUZZ_CHECK(c.dict == Collapse(dict.value));
  return 0;
}
