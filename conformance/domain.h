// Input domains (issue 11 §1): what the keys and values a program accepts look like, as
// generators. `dxt check --values decimal` or `--input-sample FILE` declares one; the catalogue
// then keeps each case's shape (counts, sizes, chunking, timing, protocol condition) and draws the
// bytes from the domain; `dxt fuzz` (fuzz/program/generator.h) draws its keys and values from the
// same generators with the same Rng.
//
//   Rng rng(seed);
//   std::unique_ptr<Domain> d = MakeDomain("decimal").value();
//   std::string v = d->Draw(rng, 4);        // e.g. "7302": a member of exactly 4 bytes
//   d->HoldsSize(30);                       // false: decimal members are 1-9 bytes
//   d->Holds("value0");                     // false
//
// The named domains (`DomainNames()`):
//   bytes    any bytes, any size (the default: what the catalogue sends without a declaration)
//   decimal  a decimal count: 1-9 ASCII digits, no leading zero unless "0" (sums of 100 000 of
//            them fit in 64 bits)
//   words    lower-case ASCII words separated by single spaces, no leading or trailing space;
//            any size but 0
//   lines    one line of printable ASCII text (0x20-0x7E, no newline, no other control byte),
//            any size
// A sample domain (`SampleDomain`) holds exactly the items of a sample (the keys, or the values, of
// a user's real input); it cannot make an item of a size it has not seen, so Draw returns the item
// nearest in size and HoldsSize is true only for sizes the sample has.
#ifndef DXT_CONFORMANCE_DOMAIN_H_
#define DXT_CONFORMANCE_DOMAIN_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace dxt::conformance {

// splitmix64: small, fast, seedable, the same stream on every platform.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next();
  // Uniform in [0, n); n > 0.
  uint64_t Below(uint64_t n) { return Next() % n; }
  // True with probability 1/n; n > 0.
  bool OneIn(uint64_t n) { return Below(n) == 0; }

 private:
  uint64_t state_;
};

class Domain {
 public:
  virtual ~Domain() = default;
  // "bytes", "decimal", "words", "lines", or "sample FILE" for a sample.
  virtual std::string Name() const = 0;
  // Whether the domain has a member of exactly `size` bytes.
  virtual bool HoldsSize(size_t size) const = 0;
  // Whether `bytes` is a member.
  virtual bool Holds(std::string_view bytes) const = 0;
  // A member drawn from `rng`: of exactly `size` bytes when HoldsSize(size); otherwise the member
  // nearest to that size the domain can make (never empty unless the domain holds "").
  virtual std::string Draw(Rng& rng, size_t size) const = 0;
  // What a member looks like, for messages ("1-9 decimal digits").
  virtual std::string Describe() const = 0;
};

// The names MakeDomain accepts, in --help order.
const std::vector<std::string>& DomainNames();

// One of DomainNames(). InvalidArgument naming the text and the valid names otherwise.
absl::StatusOr<std::unique_ptr<Domain>> MakeDomain(std::string_view name);

// The domain of exactly `items` (keys or values of a sample), named "sample <source>".
// InvalidArgument when `items` is empty.
absl::StatusOr<std::unique_ptr<Domain>> SampleDomain(std::vector<std::string> items,
                                                     std::string source);

// What a program declares it accepts: a domain for keys and one for values. A null pointer means
// "undeclared": any bytes, and the catalogue sends what it always has.
struct InputDomain {
  std::shared_ptr<const Domain> keys;
  std::shared_ptr<const Domain> values;
  bool declared() const { return keys || values; }
  // "values decimal", "keys sample in.jsonl, values sample in.jsonl".
  std::string Describe() const;
};

// Reads an input sample: JSON lines in the `dxt decode` convention ({"key": BYTES, "value":
// BYTES}, or a plain BYTES line = an empty key, R5.5), or pair frames (R3.1) back to back. The
// format is detected: a text that parses as frames to its very end is frames, else it must be
// JSON lines. InvalidArgument naming `source` and the line or byte offset; an empty sample is an
// error too.
absl::StatusOr<std::vector<std::pair<std::string, std::string>>> ParseInputSample(
    std::string_view text, std::string_view source);

// The domain of a sample: keys from its keys, values from its values.
absl::StatusOr<InputDomain> SampleInputDomain(
    const std::vector<std::pair<std::string, std::string>>& pairs, std::string source);

}  // namespace dxt::conformance

#endif  // DXT_CONFORMANCE_DOMAIN_H_
