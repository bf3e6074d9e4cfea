// Structure-aware generation for the program fuzzer: whole conversations (parameter dictionary,
// pair sequence, delivery), drawn fresh or mutated from an interesting one. Deterministic: the
// same Rng state and inputs give the same conversation on every platform.
//
// What it reaches for (issue 12 §1): parameter keys and values with whitespace, newlines, NUL,
// 0xFF, empty, long; pair counts from 0 to thousands; key and value lengths spread over every
// scale and across the boundaries 0, 1, 255, 256, 4095, 4096, 65535, 65536 (and their
// neighbours) and random lengths between; empty, repeated and neighbouring keys; bytes from the
// dictionary (--dict, the program's own printable strings, and classic tokens: a backslash, quotes,
// %s, NUL ...); short parameter items with an edge at either end, and sweeps of every edge;
// lockstep, write-ahead and chunked delivery; in reduce, large values and many pairs.
#ifndef DXT_FUZZ_PROGRAM_GENERATOR_H_
#define DXT_FUZZ_PROGRAM_GENERATOR_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "codec/param_block.h"
#include "conformance/domain.h"
#include "harness/transcript.h"

namespace dxt::progfuzz {

// One random stream and one notion of an input domain for `dxt check` and `dxt fuzz`.
using conformance::Domain;
using conformance::Rng;
using Pair = std::pair<std::string, std::string>;

enum class Delivery { kLockstep, kPipeline, kChunked };
const char* DeliveryName(Delivery d);  // "lockstep", "pipeline", "chunked"

// One conversation with the program: what is sent and how.
struct Conversation {
  harness::Mode mode = harness::Mode::kMap;
  codec::ParamDict params;  // the fuzzed entries; --params entries are added when it runs
  std::vector<Pair> pairs;
  Delivery delivery = Delivery::kLockstep;  // map only; reduce always streams
  uint64_t chunk_seed = 0;                  // kChunked: the chunk sizes
  uint64_t InputBytes() const;              // keys + values + params
};

struct GeneratorOptions {
  std::vector<std::string> tokens;  // dictionary: --dict plus the auto-dictionary
  // Declared input domains (--values, --input-sample: conformance/domain.h, the same generators
  // `dxt check` draws from); null = any bytes. Every key and value the generator makes, and every
  // candidate the shrinker tries, is then a member.
  std::shared_ptr<const Domain> keys, values;
  bool fuzz_params = true;
  uint64_t max_map_bytes = uint64_t{1} << 20;      // per conversation
  uint64_t max_reduce_bytes = uint64_t{8} << 20;
};

class Generator {
 public:
  explicit Generator(GeneratorOptions options);

  Conversation Fresh(Rng& rng, harness::Mode mode) const;
  // 1-4 stacked mutations of `parent`; `other` (may equal parent) is a splice donor.
  Conversation Mutate(Rng& rng, const Conversation& parent, const Conversation& other) const;

  // Whether a key / value is one the program declared it accepts (always true without a domain).
  bool KeyFits(std::string_view key) const;
  bool ValueFits(std::string_view value) const;

  const GeneratorOptions& options() const { return options_; }

 private:
  const std::string& Token(Rng& rng) const;
  size_t Length(Rng& rng, size_t max) const;
  std::string Fill(Rng& rng, size_t n) const;
  std::string MakeKey(Rng& rng) const;
  std::string MakeValue(Rng& rng, harness::Mode mode) const;
  std::string MutateBytes(Rng& rng, std::string s, bool is_key) const;
  Pair MakePair(Rng& rng, harness::Mode mode) const;
  codec::ParamDict MakeParams(Rng& rng) const;
  Pair HostileParam(Rng& rng) const;
  codec::ParamDict EdgeSweep(Rng& rng) const;
  void MutateOnce(Rng& rng, Conversation& c, const Conversation& other) const;
  void Fit(Rng& rng, Conversation& c) const;  // domains and byte budget

  GeneratorOptions options_;
};

}  // namespace dxt::progfuzz

#endif  // DXT_FUZZ_PROGRAM_GENERATOR_H_
