// Encode -> decode round trips over fuzzer-built values: pairs, result lists, parameter
// dictionaries and raw parameter strings must come back byte for byte, through the one-shot
// decoders and through StreamDecoder.
//
// Input layout (see fuzz_input.h): a mode byte, then the values, each string length-prefixed.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "codec/kv_frame.h"
#include "codec/param_block.h"
#include "codec/result_list.h"
#include "codec/stream_decoder.h"
#include "fuzz/fuzz_check.h"
#include "fuzz/fuzz_input.h"

namespace {

using dxt::codec::OwnedEvent;
using dxt::codec::PairView;
using dxt::codec::StreamEvent;
using dxt::codec::StreamGrammar;
using dxt::fuzz::FuzzInput;

constexpr size_t kMaxString = 300;

std::vector<PairView> TakePairs(FuzzInput& in, size_t max_pairs) {
  std::vector<PairView> pairs;
  for (size_t n = in.TakeInRange(0, static_cast<uint32_t>(max_pairs)); n > 0; --n) {
    const std::string_view key = in.TakeString(kMaxString);
    pairs.push_back({key, in.TakeString(kMaxString)});
  }
  return pairs;
}

std::vector<OwnedEvent> StreamEvents(std::string_view bytes, StreamGrammar grammar) {
  std::vector<OwnedEvent> events;
  dxt::codec::StreamDecoder decoder(grammar);
  const auto sink = [&](const StreamEvent& e) { events.push_back(dxt::codec::ToOwned(e)); };
  DXT_FUZZ_CHECK(decoder.Feed(bytes, sink).ok());
  DXT_FUZZ_CHECK(decoder.Finish().ok());
  return events;
}

// The pair events of a stream, in order.
std::vector<PairView> PairsOf(const std::vector<OwnedEvent>& events) {
  std::vector<PairView> pairs;
  for (const OwnedEvent& e : events) {
    if (e.type == StreamEvent::Type::kPair) pairs.push_back({e.a, e.b});
  }
  return pairs;
}

void RoundTripPairs(FuzzInput& in) {
  const std::vector<PairView> pairs = TakePairs(in, 32);
  std::string wire;
  for (const PairView& p : pairs)
    DXT_FUZZ_CHECK(dxt::codec::AppendPair(&wire, p.key, p.value).ok());
  size_t pos = 0;
  for (const PairView& p : pairs) {
    const auto d = dxt::codec::DecodePair(std::string_view(wire).substr(pos));
    DXT_FUZZ_CHECK(d.ok() && d.value == p);
    pos += d.consumed;
  }
  DXT_FUZZ_CHECK(pos == wire.size());
  DXT_FUZZ_CHECK(PairsOf(StreamEvents(wire, StreamGrammar::kPairs)) == pairs);
}

void RoundTripLists(FuzzInput& in) {
  std::vector<std::vector<PairView>> lists;
  for (size_t n = in.TakeInRange(0, 8); n > 0; --n) lists.push_back(TakePairs(in, 8));
  std::string wire;
  for (const auto& list : lists) DXT_FUZZ_CHECK(dxt::codec::AppendResultList(&wire, list).ok());
  size_t pos = 0;
  std::vector<PairView> all;
  for (const auto& list : lists) {
    const auto d = dxt::codec::DecodeResultList(std::string_view(wire).substr(pos));
    DXT_FUZZ_CHECK(d.ok() && d.value.pairs == list);
    pos += d.consumed;
    all.insert(all.end(), list.begin(), list.end());
  }
  DXT_FUZZ_CHECK(pos == wire.size());
  const auto events = StreamEvents(wire, StreamGrammar::kResultLists);
  DXT_FUZZ_CHECK(PairsOf(events) == all);
  size_t list_index = 0;
  for (const OwnedEvent& e : events) {
    if (e.type == StreamEvent::Type::kListStart) {
      DXT_FUZZ_CHECK(list_index < lists.size() && e.count == lists[list_index].size());
      ++list_index;
    }
  }
  DXT_FUZZ_CHECK(list_index == lists.size());
}

void RoundTripParams(FuzzInput& in) {
  dxt::codec::ParamDict dict;
  for (const PairView& p : TakePairs(in, 16)) dict.emplace_back(p.key, p.value);
  const std::vector<PairView> pairs = TakePairs(in, 4);  // what follows the block on stdin
  std::string wire = dxt::codec::EncodeParamDict(dict);
  const size_t block_size = wire.size();
  for (const PairView& p : pairs)
    DXT_FUZZ_CHECK(dxt::codec::AppendPair(&wire, p.key, p.value).ok());

  const auto block = dxt::codec::DecodeParamBlock(wire);
  DXT_FUZZ_CHECK(block.ok() && block.consumed == block_size);
  const auto parsed = dxt::codec::ParseParamDict(block.value);
  DXT_FUZZ_CHECK(parsed.ok() && parsed.value.size() == dict.size());
  for (size_t i = 0; i < dict.size(); ++i) {
    DXT_FUZZ_CHECK(parsed.value[i].key == dict[i].first && parsed.value[i].value == dict[i].second);
  }
  const auto events = StreamEvents(wire, StreamGrammar::kParamsThenPairs);
  DXT_FUZZ_CHECK(!events.empty() && events.front().type == StreamEvent::Type::kParams);
  DXT_FUZZ_CHECK(events.front().a == block.value);
  DXT_FUZZ_CHECK(PairsOf(events) == pairs);
}

void RoundTripRaw(FuzzInput& in) {
  const std::string_view raw = in.TakeString(4 * kMaxString);
  const std::string wire = dxt::codec::EncodeParamRaw(raw);
  const auto block = dxt::codec::DecodeParamBlock(wire);
  DXT_FUZZ_CHECK(block.ok() && block.value == raw && block.consumed == wire.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzInput in(data, size);
  switch (in.TakeByte() % 4) {
    case 0:
      RoundTripPairs(in);
      break;
    case 1:
      RoundTripLists(in);
      break;
    case 2:
      RoundTripParams(in);
      break;
    default:
      RoundTripRaw(in);
      break;
  }
  return 0;
}
