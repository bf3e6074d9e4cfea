// Builders shared by the catalogue_<section>.cc tables (internal to conformance/).
#ifndef DXT_CONFORMANCE_CATALOGUE_UTIL_H_
#define DXT_CONFORMANCE_CATALOGUE_UTIL_H_

#include <string>
#include <utility>
#include <vector>

#include "conformance/catalogue.h"

namespace dxt::conformance::internal {

inline constexpr size_t kKiB = 1024;
inline constexpr size_t kMiB = 1024 * 1024;
inline constexpr Modes kMapOnly = Modes::kMap;
inline constexpr Modes kReduceOnly = Modes::kReduce;
inline constexpr Modes kBoth = Modes::kBoth;

// Appends an entry and returns it for the caller to fill in.
inline Entry& Add(std::vector<Entry>* out, std::string id, std::string title,
                  std::vector<std::string> rules, Modes modes) {
  Entry& e = out->emplace_back();
  e.id = std::move(id);
  e.title = std::move(title);
  e.rules = std::move(rules);
  e.modes = modes;
  return e;
}

inline Generator Gen(uint64_t count, size_t key_size, size_t value_size,
                     Pattern pattern = Pattern::kLetters, uint64_t seed = 0) {
  Generator g;
  g.count = count;
  g.key_size = key_size;
  g.value_size = value_size;
  g.pattern = pattern;
  g.seed = seed;
  return g;
}

inline Generator FillGen(uint64_t count, size_t key_size, size_t value_size, char fill) {
  Generator g = Gen(count, key_size, value_size, Pattern::kFill);
  g.fill = fill;
  return g;
}

// A few ordinary pairs, so every case has something to answer after its special part.
inline std::vector<OwnedPair> Plain(int n) {
  std::vector<OwnedPair> out;
  for (int i = 0; i < n; ++i)
    out.emplace_back("key" + std::to_string(i), "value" + std::to_string(i));
  return out;
}

inline std::string Bytes(const char* data, size_t n) { return std::string(data, n); }

}  // namespace dxt::conformance::internal

#endif  // DXT_CONFORMANCE_CATALOGUE_UTIL_H_
