// DiscoStreamDecoder (codec/disco_stream.h) and the restricted unpickler (codec/disco_pickle.h)
// on arbitrary bytes. The input is the stream itself, so real Disco result files (the seeds are
// hunks made by Python's pickle and zlib) are valid inputs as they are.
// Properties: never crashes and never runs anything; fed in chunks (size chosen from the input's
// length) it gives exactly the pairs and the verdict of one whole feed, and errors are sticky;
// an accepted stream re-encodes (compressed and stored) and decodes to the same pairs; a pickle
// error's offset lies inside the input.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "codec/disco_pickle.h"
#include "codec/disco_stream.h"
#include "fuzz/fuzz_check.h"

namespace {

using dxt::codec::Decoded;
using dxt::codec::DiscoLimits;
using dxt::codec::DiscoStreamDecoder;
using dxt::codec::PairView;

struct Outcome {
  std::vector<std::pair<std::string, std::string>> pairs;
  bool ok = false;
  std::string error;
};

constexpr DiscoLimits kLimits{.max_item_size = 1 << 16, .max_hunk_size = 1 << 20};

Outcome Decode(std::string_view in, size_t chunk) {
  DiscoStreamDecoder decoder(kLimits);
  Outcome out;
  size_t fed = 0;
  while (true) {
    Decoded<PairView> d = decoder.Next();
    if (d.ok()) {
      out.pairs.emplace_back(d.value.key, d.value.value);
      continue;
    }
    if (d.invalid()) {
      DXT_FUZZ_CHECK(!d.reason.empty());
      DXT_FUZZ_CHECK(d.error_offset <= in.size());
      DXT_FUZZ_CHECK(decoder.Next().invalid());  // sticky
      out.error = d.reason;
      return out;
    }
    if (fed == in.size()) break;
    const size_t n = std::min(chunk, in.size() - fed);
    decoder.Feed(in.substr(fed, n));
    fed += n;
  }
  absl::Status end = decoder.Finish();
  out.ok = end.ok();
  out.error = std::string(end.message());
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const Outcome whole = Decode(in, in.size() + 1);
  const Outcome chunked = Decode(in, 1 + size % 13);
  DXT_FUZZ_CHECK(whole.ok == chunked.ok);
  DXT_FUZZ_CHECK(whole.pairs == chunked.pairs);
  DXT_FUZZ_CHECK(whole.error == chunked.error);
  if (whole.ok) {
    for (bool compress : {true, false}) {
      std::string again;
      dxt::codec::DiscoStreamEncoder encoder(compress);
      for (const auto& [k, v] : whole.pairs) DXT_FUZZ_CHECK(encoder.Add(k, v, &again).ok());
      DXT_FUZZ_CHECK(encoder.Finish(&again).ok());
      const Outcome back = Decode(again, again.size() + 1);
      DXT_FUZZ_CHECK(back.ok);
      DXT_FUZZ_CHECK(back.pairs == whole.pairs);
    }
  }
  // The unpickler alone, on the raw bytes (reaches opcodes a hunk's CRC would guard).
  Decoded<dxt::codec::DiscoRecord> r = dxt::codec::DecodePickledRecord(in, kLimits.max_item_size);
  if (r.ok()) DXT_FUZZ_CHECK(r.consumed <= in.size() && r.consumed > 0);
  if (r.invalid()) DXT_FUZZ_CHECK(!r.reason.empty() && r.error_offset < in.size());
  return 0;
}
