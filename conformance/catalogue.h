// The conformance catalogue (issue 4): a numbered table of cases, as data (STYLE habit 6).
//
// IDs follow SPEC rules: "5.2.3" is the third case for rule R5.2. Each entry names the rules it
// tests, the mode(s) it runs in, how to generate its inputs (generator specs, never literal
// megabytes), how to deliver them, and its verdict policy. Entries are materialised into
// judge::Case objects only when they run, one per applicable mode, so huge inputs live only
// while their case runs.
#ifndef DXT_CONFORMANCE_CATALOGUE_H_
#define DXT_CONFORMANCE_CATALOGUE_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "codec/param_block.h"
#include "conformance/domain.h"
#include "judge/case.h"

namespace dxt::conformance {

using harness::Mode;
using judge::OwnedPair;
using judge::Policy;

enum class Modes { kMap, kReduce, kBoth };

// Byte content of generated keys/values.
enum class Pattern {
  kLetters,   // 'a'..'z' cycling, offset by the pair index (text)
  kAllBytes,  // 0x00..0xFF cycling, offset by index + seed: every byte value appears
  kRandom,    // splitmix64 stream seeded by (seed, index)
  kFill,      // every byte = fill
};

// `count` pairs; pair i has a key of key_size bytes and a value of value_size bytes: the prefix
// (if any, truncated to the size) followed by the pattern. Deterministic in all fields.
struct Generator {
  uint64_t count = 0;
  size_t key_size = 0;
  size_t value_size = 0;
  Pattern pattern = Pattern::kLetters;
  uint64_t seed = 0;
  char fill = 0;
  std::string key_prefix;
  std::string value_prefix;
};

// Pairs in this order: `literal`, then every generator's pairs.
struct InputSpec {
  std::vector<OwnedPair> literal;
  std::vector<Generator> generated;
};

// Parameters: a literal dictionary plus generated entries (keys "p<i>" + pattern), or a raw
// string (R2.4).
struct ParamSpec {
  codec::ParamDict literal;
  Generator generated;  // count == 0: none
  bool raw = false;
  std::string raw_text;
};

// How the stdin bytes reach the program (a program must not assume one pair per read).
// Applied by TrickleIo (conformance/trickle_io.h) around the real process. All zero = plain.
struct Chunking {
  size_t min_chunk = 0;  // bytes per write: uniform in [min_chunk, max_chunk]; 0 = unchunked
  size_t max_chunk = 0;
  std::chrono::milliseconds chunk_pause{0};  // between two writes of one pair
  std::chrono::milliseconds pair_pause{0};   // before each pair (and before the first)
  uint64_t seed = 1;
  bool first_pause_only = false;  // pair_pause before the first pair only
  bool active() const { return max_chunk > 0 || chunk_pause.count() > 0 || pair_pause.count() > 0; }
};

// What a case needs from the bytes of its keys (or values) when the program declares an input
// domain (--values, --input-sample; conformance/domain.h). Without a declaration the catalogue's
// own bytes are sent whatever the need.
enum class DomainNeed {
  kShape,  // incidental bytes: drawn from the domain, each of the catalogue's size when the domain
           // has members of that size, else of the nearest size it has
  kSizes,  // the sizes are the point (empty, 1 MiB, 64 KiB + 1): drawn at exactly those sizes;
           // SKIPPED "outside the declared domain" when the domain has no member of one of them
  kBytes,  // the exact bytes are the point (every byte value, NUL, text that looks like a frame):
           // sent unchanged when the domain holds every one, else SKIPPED
};

struct Entry {
  std::string id;                  // "2.3.4"
  std::string title;               // one line
  std::vector<std::string> rules;  // "R2.3", ... (SPEC rules only)
  Modes modes = Modes::kBoth;
  ParamSpec params;
  InputSpec input;
  judge::Delivery delivery = judge::Delivery::kLockstep;  // map only
  Chunking chunking;
  Policy policy = Policy::kStrict;
  std::string policy_reason;  // why a case is NON-STRICT / INFORMATIONAL
  bool params_probe = false;  // see judge::Case::params_probe
  // Built so that a program that does not read the parameter block shows it in either mode
  // (2.1.8): a smoke case, whose failure blocks the mode's other parameter probes (suite.h).
  bool skipper_probe = false;
  // The case needs its entries in place (an empty value last): --params entries go before them
  // instead of being merged in (MaterialiseOptions::extra_params).
  bool fixed_params = false;
  bool heavy = false;  // tens of MiB in flight: the runner limits how many run at once
  // Runs with the harness's quiet periods (a list before input, an extra list after the last
  // pair, an exit with input unread need time to show); other cases run without them.
  bool quiet = false;
  DomainNeed key_need = DomainNeed::kShape;  // see DomainNeed
  DomainNeed value_need = DomainNeed::kShape;
};

// The whole catalogue, in ID order (sections 1-8). Static storage. IDs are unique.
const std::vector<Entry>& Catalogue();

// The modes an entry runs in: {map}, {reduce} or {map, reduce}.
std::vector<Mode> ModesOf(const Entry& e);

struct MaterialiseOptions {
  bool identity = false;  // --expect identity: the program echoes pairs unchanged
  bool strict = false;    // --strict: NON-STRICT becomes FAILED
  // --params: merged into every dictionary (later keys override); an entry with fixed_params
  // gets them first, before its own entries, which keep their order and values.
  codec::ParamDict extra_params;
  InputDomain domain;  // --values / --input-sample; undeclared = the catalogue's bytes
};

// Why a case of `e` in `mode` cannot run in `domain`: "outside the declared domain: ..." naming
// the pair, the key or value and what the domain holds; nullopt when it can (always, for an
// undeclared domain). Generates the input only for entries that need exact bytes.
std::optional<std::string> OutsideDomain(const Entry& e, Mode mode, const InputDomain& domain);

// The entry's input with keys and values drawn from `domain` as the entry's needs say
// (DomainNeed), deterministically from the entry's ID and `mode`. The input itself when the domain
// is undeclared. Call only when OutsideDomain() is nullopt.
std::vector<OwnedPair> InputInDomain(const Entry& e, Mode mode, const InputDomain& domain);

// Generates the entry's inputs and builds the case for `mode`. With `identity`, the case also
// expects its output to equal its input byte for byte, in order (map: concatenation of the
// lists, one list per pair; reduce: the whole stream).
judge::Case Materialise(const Entry& e, Mode mode, const MaterialiseOptions& options);

// The time a case of `e` spends waiting on purpose: pauses of its slow delivery and the quiet
// periods, plus a fixed share for heavy cases. An estimate, used only to start the longest cases
// first (so they overlap the rest of a suite instead of ending it).
std::chrono::milliseconds PlannedWait(const Entry& e);

// Orders IDs numerically, part by part: "2.3.9" < "2.3.10" < "3.1.1".
bool IdLess(std::string_view a, std::string_view b);

// The pairs a generator produces / the input of an entry (exposed for tests).
std::vector<OwnedPair> Generate(const Generator& g);
std::vector<OwnedPair> GenerateInput(const InputSpec& spec);
codec::ParamDict GenerateParams(const ParamSpec& spec);

// The needs of the entries that have any (DomainNeed), as a table applied by Catalogue().
struct DomainNeedEntry {
  const char* id;
  DomainNeed keys;
  DomainNeed values;
};
std::span<const DomainNeedEntry> DomainNeeds();
void ApplyDomainNeeds(std::vector<Entry>* entries);

// Sections of the table, one file each (catalogue_<section>.cc); Catalogue() concatenates them.
void AddLaunchEntries(std::vector<Entry>* out);   // R1
void AddParamEntries(std::vector<Entry>* out);    // R2
void AddFramingEntries(std::vector<Entry>* out);  // R3, R4
void AddMapEntries(std::vector<Entry>* out);      // R5
void AddReduceEntries(std::vector<Entry>* out);   // R6
void AddEndingEntries(std::vector<Entry>* out);   // R7, R8

}  // namespace dxt::conformance

#endif  // DXT_CONFORMANCE_CATALOGUE_H_
