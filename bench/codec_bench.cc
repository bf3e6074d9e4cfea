// Codec benchmarks (issue 2, part 5). Each dxt benchmark runs beside, in the same binary and on
// the same bytes:
//   *_Naive  - what a typical third-party decoder does: read a length, copy the key and the value
//              into std::string, hand the owned pair on (kept in a reused vector);
//   *_Memcpy - a memcpy of the same bytes, the bandwidth ceiling.
// and, for decode, *_Stream - StreamDecoder fed 64 KiB chunks, the harness's path (an item that
// spans two chunks is copied once into the decoder's buffer).
// Targets (bench/run_codec.sh checks them): small-pair decode (one-shot) >= 3x naive items/s;
// 1 MiB-value stream decode >= 0.8x memcpy bytes/s. Figures: bench/README.md.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "codec/kv_frame.h"
#include "codec/param_block.h"
#include "codec/stream_decoder.h"
#include "codec/strict_json.h"

namespace {

using dxt::codec::DecodePair;
using dxt::codec::PairView;

constexpr size_t kSmallPairs = 4096;  // 8-byte key + 8-byte value each
constexpr size_t kLargeValues = 16;   // 8-byte key + 1 MiB value each
constexpr size_t kLargeValueSize = size_t{1} << 20;
constexpr size_t kStreamChunk = 64 * 1024;  // what one pipe read typically returns
constexpr size_t kParamEntries = 64;        // 8-byte key + 24-byte value each

std::string MakeFrames(size_t count, size_t key_size, size_t value_size) {
  std::string wire;
  for (size_t i = 0; i < count; ++i) {
    std::string key(key_size, static_cast<char>('a' + i % 26));
    std::string value(value_size, static_cast<char>('A' + i % 26));
    if (!dxt::codec::AppendPair(&wire, key, value).ok()) std::abort();
  }
  return wire;
}

const std::string& SmallFrames() {
  static const std::string wire = MakeFrames(kSmallPairs, 8, 8);
  return wire;
}

const std::string& LargeFrames() {
  static const std::string wire = MakeFrames(kLargeValues, 8, kLargeValueSize);
  return wire;
}

// The dxt one-shot decoder over a buffer of frames; returns the number of pairs.
size_t DxtDecodeAll(std::string_view wire) {
  size_t pairs = 0;
  while (!wire.empty()) {
    const auto d = DecodePair(wire);
    if (!d.ok()) std::abort();
    benchmark::DoNotOptimize(d.value.key.data());
    benchmark::DoNotOptimize(d.value.value.data());
    wire.remove_prefix(d.consumed);
    ++pairs;
  }
  return pairs;
}

// The naive decoder: owned copies of every key and value.
void NaiveDecodeAll(std::string_view wire, std::vector<std::pair<std::string, std::string>>* out) {
  out->clear();
  const char* p = wire.data();
  const char* end = p + wire.size();
  while (p < end) {
    uint32_t key_len, value_len;
    std::memcpy(&key_len, p, 4);
    std::string key(p + 4, key_len);
    p += 4 + key_len;
    std::memcpy(&value_len, p, 4);
    std::string value(p + 4, value_len);
    p += 4 + value_len;
    out->emplace_back(std::move(key), std::move(value));
  }
}

// StreamDecoder fed in pipe-sized chunks, as the harness reads a program's stdout.
size_t StreamDecodeAll(std::string_view wire) {
  dxt::codec::StreamDecoder decoder(dxt::codec::StreamGrammar::kPairs);
  size_t pairs = 0;
  const auto sink = [&pairs](const dxt::codec::StreamEvent& e) {
    benchmark::DoNotOptimize(e.pair.value.data());
    ++pairs;
  };
  for (size_t pos = 0; pos < wire.size(); pos += kStreamChunk) {
    if (!decoder.Feed(wire.substr(pos, kStreamChunk), sink).ok()) std::abort();
  }
  if (!decoder.Finish().ok()) std::abort();
  return pairs;
}

void SetCounters(benchmark::State& state, size_t bytes, size_t items) {
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * items));
}

void MemcpyLoop(benchmark::State& state, const std::string& src, size_t items) {
  std::string dst(src.size(), '\0');
  for (auto _ : state) {
    std::memcpy(dst.data(), src.data(), src.size());
    benchmark::DoNotOptimize(dst.data());
    benchmark::ClobberMemory();
  }
  SetCounters(state, src.size(), items);
}

// ---- decode: small pairs ----
void BM_SmallPairDecode_Dxt(benchmark::State& state) {
  const std::string& wire = SmallFrames();
  for (auto _ : state) benchmark::DoNotOptimize(DxtDecodeAll(wire));
  SetCounters(state, wire.size(), kSmallPairs);
}
void BM_SmallPairDecode_Stream(benchmark::State& state) {
  const std::string& wire = SmallFrames();
  for (auto _ : state) benchmark::DoNotOptimize(StreamDecodeAll(wire));
  SetCounters(state, wire.size(), kSmallPairs);
}
void BM_SmallPairDecode_Naive(benchmark::State& state) {
  const std::string& wire = SmallFrames();
  std::vector<std::pair<std::string, std::string>> out;
  for (auto _ : state) {
    NaiveDecodeAll(wire, &out);
    benchmark::DoNotOptimize(out.data());
  }
  SetCounters(state, wire.size(), kSmallPairs);
}
void BM_SmallPairDecode_Memcpy(benchmark::State& state) {
  MemcpyLoop(state, SmallFrames(), kSmallPairs);
}

// ---- decode: 1 MiB values ----
void BM_LargeValueDecode_Dxt(benchmark::State& state) {
  const std::string& wire = LargeFrames();
  for (auto _ : state) benchmark::DoNotOptimize(DxtDecodeAll(wire));
  SetCounters(state, wire.size(), kLargeValues);
}
void BM_LargeValueDecode_Stream(benchmark::State& state) {
  const std::string& wire = LargeFrames();
  for (auto _ : state) benchmark::DoNotOptimize(StreamDecodeAll(wire));
  SetCounters(state, wire.size(), kLargeValues);
}
void BM_LargeValueDecode_Naive(benchmark::State& state) {
  const std::string& wire = LargeFrames();
  std::vector<std::pair<std::string, std::string>> out;
  for (auto _ : state) {
    NaiveDecodeAll(wire, &out);
    benchmark::DoNotOptimize(out.data());
  }
  SetCounters(state, wire.size(), kLargeValues);
}
void BM_LargeValueDecode_Memcpy(benchmark::State& state) {
  MemcpyLoop(state, LargeFrames(), kLargeValues);
}

// The same bytes copied frame by frame into one reused frame-sized buffer: the destination stays
// cache-resident, like StreamDecoder's one-item buffer, so this is the stricter ceiling.
void BM_LargeValueDecode_MemcpyReused(benchmark::State& state) {
  const std::string& wire = LargeFrames();
  const size_t frame = wire.size() / kLargeValues;
  std::string dst(frame, '\0');
  for (auto _ : state) {
    for (size_t pos = 0; pos < wire.size(); pos += frame) {
      std::memcpy(dst.data(), wire.data() + pos, frame);
      benchmark::ClobberMemory();
    }
    benchmark::DoNotOptimize(dst.data());
  }
  SetCounters(state, wire.size(), kLargeValues);
}

// ---- encode: small pairs ----
std::vector<std::pair<std::string, std::string>> SmallPairsOwned() {
  std::vector<std::pair<std::string, std::string>> pairs;
  NaiveDecodeAll(SmallFrames(), &pairs);
  return pairs;
}
void BM_SmallPairEncode_Dxt(benchmark::State& state) {
  const auto pairs = SmallPairsOwned();
  std::string out;
  for (auto _ : state) {
    out.clear();
    for (const auto& [k, v] : pairs) {
      if (!dxt::codec::AppendPair(&out, k, v).ok()) std::abort();
    }
    benchmark::DoNotOptimize(out.data());
  }
  SetCounters(state, SmallFrames().size(), kSmallPairs);
}
void BM_SmallPairEncode_Naive(benchmark::State& state) {
  const auto pairs = SmallPairsOwned();
  std::string out;
  for (auto _ : state) {
    out.clear();
    for (const auto& [k, v] : pairs) {
      const uint32_t key_len = static_cast<uint32_t>(k.size());
      const uint32_t value_len = static_cast<uint32_t>(v.size());
      std::string frame(reinterpret_cast<const char*>(&key_len), 4);  // a temporary per pair
      frame += k;
      frame.append(reinterpret_cast<const char*>(&value_len), 4);
      frame += v;
      out += frame;
    }
    benchmark::DoNotOptimize(out.data());
  }
  SetCounters(state, SmallFrames().size(), kSmallPairs);
}
void BM_SmallPairEncode_Memcpy(benchmark::State& state) {
  MemcpyLoop(state, SmallFrames(), kSmallPairs);
}

// ---- parameter blocks ----
const dxt::codec::ParamDict& Params() {
  static const dxt::codec::ParamDict dict = [] {
    dxt::codec::ParamDict d;
    for (size_t i = 0; i < kParamEntries; ++i) {
      d.emplace_back("param" + std::to_string(100 + i),
                     std::string(24, static_cast<char>('a' + i % 26)));
    }
    return d;
  }();
  return dict;
}
void BM_ParamBlockDecode_Dxt(benchmark::State& state) {
  const std::string block = dxt::codec::EncodeParamDict(Params());
  for (auto _ : state) {
    const auto framed = dxt::codec::DecodeParamBlock(block);
    const auto dict = dxt::codec::ParseParamDict(framed.value);
    if (!dict.ok()) std::abort();
    benchmark::DoNotOptimize(dict.value.data());
  }
  SetCounters(state, block.size(), kParamEntries);
}
// Naive: strtoul for each length, owned copies of keys and values.
void BM_ParamBlockDecode_Naive(benchmark::State& state) {
  const std::string block = dxt::codec::EncodeParamDict(Params());
  std::vector<std::pair<std::string, std::string>> out;
  for (auto _ : state) {
    out.clear();
    char* p = const_cast<char*>(block.data());
    const size_t body = std::strtoul(p, &p, 10);
    const char* end = ++p + body;
    while (p < end) {
      const size_t key_len = std::strtoul(p, &p, 10);
      std::string key(++p, key_len);
      p += key_len + 1;
      const size_t value_len = std::strtoul(p, &p, 10);
      std::string value(++p, value_len);
      p += value_len + 1;
      out.emplace_back(std::move(key), std::move(value));
    }
    benchmark::DoNotOptimize(out.data());
  }
  SetCounters(state, block.size(), kParamEntries);
}
void BM_ParamBlockDecode_Memcpy(benchmark::State& state) {
  MemcpyLoop(state, dxt::codec::EncodeParamDict(Params()), kParamEntries);
}
void BM_ParamBlockEncode_Dxt(benchmark::State& state) {
  const auto& dict = Params();
  size_t bytes = 0;
  for (auto _ : state) {
    const std::string block = dxt::codec::EncodeParamDict(dict);
    bytes = block.size();
    benchmark::DoNotOptimize(block.data());
  }
  SetCounters(state, bytes, kParamEntries);
}

// A --script file's shape: one case whose input and expected output list `n` small pairs. The
// strict parse (duplicate keys rejected) beside nlohmann's plain DOM parse of the same text: the
// ratio must stay near 1 at every size (it was quadratic with nlohmann's callback parser: 10 s for
// a 100 000-pair script).
std::string ScriptText(int64_t n) {
  std::string pairs;
  for (int64_t i = 0; i < n; ++i)
    pairs += (i ? "," : "") + std::string("{\"key\":\"k") + std::to_string(i) + "\",\"value\":\"v" +
             std::to_string(i) + "\"}";
  return "{\"cases\":[{\"id\":\"big\",\"mode\":\"map\",\"input\":[" + pairs +
         "],\"expect\":{\"output\":[" + pairs + "],\"order\":\"exact\"}}]}";
}

void BM_ScriptParse_Strict(benchmark::State& state) {
  const std::string text = ScriptText(state.range(0));
  for (auto _ : state) {
    auto j = dxt::codec::ParseStrictJson(text, "cases.json");
    benchmark::DoNotOptimize(j);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

void BM_ScriptParse_Nlohmann(benchmark::State& state) {
  const std::string text = ScriptText(state.range(0));
  for (auto _ : state) {
    auto j = nlohmann::ordered_json::parse(text);
    benchmark::DoNotOptimize(j);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

BENCHMARK(BM_SmallPairDecode_Dxt);
BENCHMARK(BM_SmallPairDecode_Stream);
BENCHMARK(BM_SmallPairDecode_Naive);
BENCHMARK(BM_SmallPairDecode_Memcpy);
BENCHMARK(BM_LargeValueDecode_Dxt);
BENCHMARK(BM_LargeValueDecode_Stream);
BENCHMARK(BM_LargeValueDecode_Naive);
BENCHMARK(BM_LargeValueDecode_Memcpy);
BENCHMARK(BM_LargeValueDecode_MemcpyReused);
BENCHMARK(BM_SmallPairEncode_Dxt);
BENCHMARK(BM_SmallPairEncode_Naive);
BENCHMARK(BM_SmallPairEncode_Memcpy);
BENCHMARK(BM_ParamBlockDecode_Dxt);
BENCHMARK(BM_ParamBlockDecode_Naive);
BENCHMARK(BM_ParamBlockDecode_Memcpy);
BENCHMARK(BM_ParamBlockEncode_Dxt);
BENCHMARK(BM_ScriptParse_Strict)->Arg(1000)->Arg(100000);
BENCHMARK(BM_ScriptParse_Nlohmann)->Arg(1000)->Arg(100000);

}  // namespace

BENCHMARK_MAIN();
