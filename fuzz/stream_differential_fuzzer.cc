// Differential: StreamDecoder fed in fuzzer-chosen chunks must give exactly the events and the
// status of one-shot DecodeWholeStream, for each of the three grammars.
//
// Input layout: byte 0 -> grammar (mod 3), byte 1 -> number of chunk-size bytes k (0..15), then k
// chunk sizes (0..255, used cyclically; 0 feeds an empty chunk), then the stream itself.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "codec/stream_decoder.h"
#include "fuzz/fuzz_check.h"
#include "fuzz/fuzz_input.h"

namespace {

using dxt::codec::DecodeWholeStream;
using dxt::codec::Limits;
using dxt::codec::OwnedEvent;
using dxt::codec::StreamDecoder;
using dxt::codec::StreamEvent;
using dxt::codec::StreamGrammar;

constexpr StreamGrammar kGrammars[] = {StreamGrammar::kPairs, StreamGrammar::kResultLists,
                                       StreamGrammar::kParamsThenPairs};

struct Streamed {
  std::vector<OwnedEvent> events;
  absl::Status status;
  dxt::codec::StreamError error;
};

Streamed FeedInChunks(std::string_view stream, StreamGrammar grammar, const Limits& limits,
                      const std::vector<size_t>& chunks) {
  Streamed out;
  StreamDecoder decoder(grammar, limits);
  const auto sink = [&](const StreamEvent& e) { out.events.push_back(dxt::codec::ToOwned(e)); };
  size_t pos = 0;
  for (size_t i = 0; pos < stream.size(); ++i) {
    size_t n = std::min(chunks[i % chunks.size()], stream.size() - pos);
    if (n == 0 && i > 4 * chunks.size()) n = stream.size() - pos;  // all sizes are 0
    out.status = decoder.Feed(stream.substr(pos, n), sink);
    pos += n;
    if (!out.status.ok()) {
      // A failed decoder keeps failing with the same error.
      DXT_FUZZ_CHECK(decoder.Feed("x", sink) == out.status);
      out.error = decoder.error();
      return out;
    }
  }
  DXT_FUZZ_CHECK(decoder.offset() == stream.size());
  out.status = decoder.Finish();
  if (out.status.ok()) DXT_FUZZ_CHECK(decoder.at_boundary());
  out.error = decoder.error();
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  dxt::fuzz::FuzzInput input(data, size);
  const StreamGrammar grammar = kGrammars[input.TakeByte() % 3];
  std::vector<size_t> chunks;
  for (size_t k = input.TakeByte() % 16; k > 0; --k) chunks.push_back(input.TakeByte());
  if (chunks.empty()) chunks.push_back(1);  // default: one byte at a time
  const std::string_view stream = input.TakeRest();

  // Small limits so that the fuzzer reaches the limit paths and cannot exhaust memory.
  const Limits limits{.max_item_size = 1 << 12, .max_pairs_per_list = 64};
  const auto whole = DecodeWholeStream(stream, grammar, limits);
  const Streamed streamed = FeedInChunks(stream, grammar, limits, chunks);
  DXT_FUZZ_CHECK(streamed.status == whole.status);
  DXT_FUZZ_CHECK(streamed.events == whole.events);
  // The error as data is the same fed in any chunks, and the status is rendered from it.
  DXT_FUZZ_CHECK(streamed.error == whole.error);
  DXT_FUZZ_CHECK(dxt::codec::ToStatus(whole.error) == whole.status);
  return 0;
}
