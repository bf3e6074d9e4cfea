// Cases in a declared input domain (issue 11 §1). A case keeps everything but the bytes of its
// keys and values: counts, sizes (where the domain has them), chunking, pauses, params, delivery.
// Whether a case can run at all is decided from its needs (DomainNeed), as data in the catalogue,
// never from how the program behaved.
#include <functional>

#include "absl/strings/str_cat.h"
#include "conformance/catalogue.h"

namespace dxt::conformance {
namespace {

enum class Part { kKey, kValue };

const char* PartName(Part p) { return p == Part::kKey ? "key" : "value"; }

// Calls fn(pair index, key size, value size) for every pair of `spec`, without generating bytes.
void ForEachSize(const InputSpec& spec, const std::function<bool(uint64_t, size_t, size_t)>& fn) {
  uint64_t index = 0;
  for (const OwnedPair& p : spec.literal)
    if (!fn(index++, p.first.size(), p.second.size())) return;
  for (const Generator& g : spec.generated) {
    // Every pair of a generator has the same sizes: one call stands for all of them.
    if (g.count > 0 && !fn(index, g.key_size, g.value_size)) return;
    index += g.count;
  }
}

std::string Outside(uint64_t index, Part part, std::string_view why, const Domain& d) {
  return absl::StrCat("outside the declared domain: pair ", index, "'s ", PartName(part), " ",
                      std::string(why), "; ", PartName(part), "s ", d.Name(), " are ",
                      d.Describe());
}

std::optional<std::string> SizesOutside(const Entry& e, Part part, const Domain& d) {
  std::optional<std::string> out;
  ForEachSize(e.input, [&](uint64_t i, size_t key_size, size_t value_size) {
    const size_t size = part == Part::kKey ? key_size : value_size;
    if (d.HoldsSize(size)) return true;
    out = Outside(i, part, absl::StrCat("is ", size, " bytes, the point of the case"), d);
    return false;
  });
  return out;
}

std::optional<std::string> BytesOutside(const std::vector<OwnedPair>& input, Part part,
                                        const Domain& d) {
  for (size_t i = 0; i < input.size(); ++i) {
    const std::string& b = part == Part::kKey ? input[i].first : input[i].second;
    if (!d.Holds(b)) return Outside(i, part, "holds the exact bytes the case exists to send", d);
  }
  return std::nullopt;
}

uint64_t SeedOf(const Entry& e, Mode mode) {
  uint64_t h = 1469598103934665603ull;  // FNV-1a
  for (char c : e.id) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  return h ^ (mode == Mode::kMap ? 0x6d6170ull : 0x726564ull);
}

// Replaces each key or value by a member of `d`: kept when it already is one (and the need is
// not about sizes the domain cannot make), else drawn at its size.
void Redraw(std::vector<OwnedPair>* input, Part part, const Domain& d, Rng& rng) {
  for (OwnedPair& p : *input) {
    std::string& b = part == Part::kKey ? p.first : p.second;
    if (!d.Holds(b)) b = d.Draw(rng, b.size());
  }
}

}  // namespace

namespace {

// Entries whose keys or values are the point of the case (all others are kShape: any bytes of
// the right size do). Kept beside the code that reads it, like kQuietEntries.
const DomainNeedEntry kDomainNeeds[] = {
    // exact bytes
    {"2.1.8", DomainNeed::kBytes, DomainNeed::kBytes},  // the skipper probe's crafted value
    {"3.1.4", DomainNeed::kBytes, DomainNeed::kShape},
    {"3.1.5", DomainNeed::kShape, DomainNeed::kBytes},
    {"3.1.11", DomainNeed::kShape, DomainNeed::kBytes},
    {"3.1.12", DomainNeed::kShape, DomainNeed::kBytes},
    {"3.1.13", DomainNeed::kBytes, DomainNeed::kBytes},
    {"3.1.14", DomainNeed::kBytes, DomainNeed::kBytes},
    {"3.1.15", DomainNeed::kBytes, DomainNeed::kBytes},
    {"3.3.1", DomainNeed::kShape, DomainNeed::kBytes},
    {"4.2.1", DomainNeed::kBytes, DomainNeed::kBytes},
    {"4.2.2", DomainNeed::kBytes, DomainNeed::kBytes},
    {"7.2.2", DomainNeed::kBytes, DomainNeed::kBytes},
    {"8.1.3", DomainNeed::kBytes, DomainNeed::kBytes},
    // exact sizes
    {"2.5.5", DomainNeed::kSizes, DomainNeed::kShape},  // key lengths 32, 10, 9 read as text
    {"2.5.6", DomainNeed::kSizes, DomainNeed::kShape},
    {"2.5.7", DomainNeed::kSizes, DomainNeed::kShape},
    {"3.1.1", DomainNeed::kSizes, DomainNeed::kSizes},
    {"3.1.2", DomainNeed::kSizes, DomainNeed::kShape},
    {"3.1.3", DomainNeed::kShape, DomainNeed::kSizes},
    {"3.1.6", DomainNeed::kSizes, DomainNeed::kSizes},
    {"3.1.7", DomainNeed::kShape, DomainNeed::kSizes},
    {"3.1.8", DomainNeed::kSizes, DomainNeed::kShape},
    {"3.1.9", DomainNeed::kSizes, DomainNeed::kSizes},
    {"3.1.10", DomainNeed::kSizes, DomainNeed::kSizes},
    {"3.1.16", DomainNeed::kShape, DomainNeed::kSizes},
    {"3.1.17", DomainNeed::kShape, DomainNeed::kSizes},
    {"3.1.18", DomainNeed::kShape, DomainNeed::kSizes},
    {"3.1.19", DomainNeed::kSizes, DomainNeed::kShape},
    {"3.1.20", DomainNeed::kShape, DomainNeed::kSizes},
    {"3.1.22", DomainNeed::kShape, DomainNeed::kSizes},
    {"3.2.1", DomainNeed::kShape, DomainNeed::kSizes},
    {"5.1.5", DomainNeed::kShape, DomainNeed::kSizes},
    {"5.1.6", DomainNeed::kShape, DomainNeed::kSizes},
    {"5.1.7", DomainNeed::kShape, DomainNeed::kSizes},
    {"5.1.9", DomainNeed::kShape, DomainNeed::kSizes},
    {"5.1.12", DomainNeed::kShape, DomainNeed::kSizes},
    {"5.2.4", DomainNeed::kShape, DomainNeed::kSizes},  // an empty value
    {"5.5.1", DomainNeed::kSizes, DomainNeed::kShape},  // empty keys (plain lines, R5.5)
    {"5.5.2", DomainNeed::kSizes, DomainNeed::kShape},
    {"6.1.4", DomainNeed::kShape, DomainNeed::kSizes},
    {"6.1.5", DomainNeed::kSizes, DomainNeed::kSizes},  // the input ends with an empty pair
    {"6.1.12", DomainNeed::kShape, DomainNeed::kSizes},
    {"6.2.1", DomainNeed::kShape, DomainNeed::kSizes},
    {"6.2.2", DomainNeed::kShape, DomainNeed::kSizes},
    {"6.2.3", DomainNeed::kSizes, DomainNeed::kSizes},
};

}  // namespace

std::span<const DomainNeedEntry> DomainNeeds() { return kDomainNeeds; }

void ApplyDomainNeeds(std::vector<Entry>* entries) {
  for (Entry& e : *entries)
    for (const DomainNeedEntry& n : kDomainNeeds)
      if (e.id == n.id) {
        e.key_need = n.keys;
        e.value_need = n.values;
      }
}

std::optional<std::string> OutsideDomain(const Entry& e, Mode, const InputDomain& domain) {
  const std::pair<Part, const Domain*> parts[] = {{Part::kKey, domain.keys.get()},
                                                  {Part::kValue, domain.values.get()}};
  std::optional<std::vector<OwnedPair>> input;  // generated only when exact bytes matter
  for (const auto& [part, d] : parts) {
    if (!d) continue;
    const DomainNeed need = part == Part::kKey ? e.key_need : e.value_need;
    std::optional<std::string> why;
    if (need == DomainNeed::kSizes) why = SizesOutside(e, part, *d);
    if (need == DomainNeed::kBytes) {
      if (!input) input = GenerateInput(e.input);
      why = BytesOutside(*input, part, *d);
    }
    if (why) return why;
  }
  return std::nullopt;
}

std::vector<OwnedPair> InputInDomain(const Entry& e, Mode mode, const InputDomain& domain) {
  std::vector<OwnedPair> input = GenerateInput(e.input);
  Rng rng(SeedOf(e, mode));
  if (domain.keys && e.key_need != DomainNeed::kBytes)
    Redraw(&input, Part::kKey, *domain.keys, rng);
  if (domain.values && e.value_need != DomainNeed::kBytes)
    Redraw(&input, Part::kValue, *domain.values, rng);
  return input;
}

}  // namespace dxt::conformance
