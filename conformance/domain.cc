// The named domains and sample domains. Each Draw makes a member of the requested size directly
// (no rejection loop), so a 16 MiB words value costs one pass.
#include "conformance/domain.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "codec/kv_frame.h"
#include "codec/jsonl.h"
#include "judge/case.h"

namespace dxt::conformance {

uint64_t Rng::Next() {
  uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

namespace {

class BytesDomain : public Domain {
 public:
  std::string Name() const override { return "bytes"; }
  bool HoldsSize(size_t) const override { return true; }
  bool Holds(std::string_view) const override { return true; }
  std::string Draw(Rng& rng, size_t size) const override {
    std::string out(size, '\0');
    for (char& c : out) c = static_cast<char>(rng.Next() & 0xFF);
    return out;
  }
  std::string Describe() const override { return "any bytes"; }
};

class DecimalDomain : public Domain {
 public:
  static constexpr size_t kMaxDigits = 9;
  std::string Name() const override { return "decimal"; }
  bool HoldsSize(size_t size) const override { return size >= 1 && size <= kMaxDigits; }
  bool Holds(std::string_view b) const override {
    if (!HoldsSize(b.size())) return false;
    if (b.size() > 1 && b[0] == '0') return false;
    return std::all_of(b.begin(), b.end(), [](char c) { return c >= '0' && c <= '9'; });
  }
  std::string Draw(Rng& rng, size_t size) const override {
    size = std::clamp<size_t>(size, 1, kMaxDigits);
    std::string out;
    out.push_back(static_cast<char>(size == 1 ? '0' + rng.Below(10) : '1' + rng.Below(9)));
    while (out.size() < size) out.push_back(static_cast<char>('0' + rng.Below(10)));
    return out;
  }
  std::string Describe() const override { return "a decimal count of 1-9 digits"; }
};

class WordsDomain : public Domain {
 public:
  std::string Name() const override { return "words"; }
  bool HoldsSize(size_t size) const override { return size >= 1; }
  bool Holds(std::string_view b) const override {
    if (b.empty() || b.front() == ' ' || b.back() == ' ') return false;
    for (size_t i = 0; i < b.size(); ++i) {
      if (b[i] == ' ' ? b[i - 1] == ' ' : !(b[i] >= 'a' && b[i] <= 'z')) return false;
    }
    return true;
  }
  // Words of 1-9 letters; the last word absorbs what is left so the size is exact.
  std::string Draw(Rng& rng, size_t size) const override {
    size = std::max<size_t>(size, 1);
    std::string out;
    out.reserve(size);
    while (out.size() < size) {
      if (!out.empty()) out.push_back(' ');
      size_t left = size - out.size();
      size_t len = 1 + rng.Below(9);
      if (left <= len + 1) len = left;  // never end on a space
      for (size_t i = 0; i < len; ++i) out.push_back(static_cast<char>('a' + rng.Below(26)));
    }
    return out;
  }
  std::string Describe() const override { return "lower-case words separated by single spaces"; }
};

class LinesDomain : public Domain {
 public:
  std::string Name() const override { return "lines"; }
  bool HoldsSize(size_t) const override { return true; }
  bool Holds(std::string_view b) const override {
    return std::all_of(b.begin(), b.end(), [](char c) { return c >= 0x20 && c <= 0x7E; });
  }
  std::string Draw(Rng& rng, size_t size) const override {
    std::string out(size, ' ');
    for (char& c : out) c = static_cast<char>(0x20 + rng.Below(0x7F - 0x20));
    return out;
  }
  std::string Describe() const override { return "one line of printable ASCII (no newline)"; }
};

class Sample : public Domain {
 public:
  Sample(std::vector<std::string> items, std::string source) : name_("sample " + source) {
    std::sort(items.begin(), items.end());
    items.erase(std::unique(items.begin(), items.end()), items.end());
    for (std::string& s : items) by_size_[s.size()].push_back(std::move(s));
  }
  std::string Name() const override { return name_; }
  bool HoldsSize(size_t size) const override { return by_size_.count(size) > 0; }
  bool Holds(std::string_view b) const override {
    auto it = by_size_.find(b.size());
    return it != by_size_.end() &&
           std::binary_search(it->second.begin(), it->second.end(), std::string(b));
  }
  std::string Draw(Rng& rng, size_t size) const override {
    auto it = by_size_.lower_bound(size);
    if (it == by_size_.end() || (it->first != size && it != by_size_.begin() &&
                                 size - std::prev(it)->first < it->first - size))
      it = std::prev(it);
    return it->second[rng.Below(it->second.size())];
  }
  std::string Describe() const override {
    size_t n = 0;
    for (const auto& [size, items] : by_size_) n += items.size();
    return absl::StrCat("one of the ", n, " distinct items of ", name_, " (",
                        by_size_.begin()->first, "-", by_size_.rbegin()->first, " bytes)");
  }

 private:
  std::string name_;
  std::map<size_t, std::vector<std::string>> by_size_;  // each list sorted
};

}  // namespace

const std::vector<std::string>& DomainNames() {
  static const auto* names = new std::vector<std::string>{"bytes", "decimal", "words", "lines"};
  return *names;
}

absl::StatusOr<std::unique_ptr<Domain>> MakeDomain(std::string_view name) {
  if (name == "bytes") return std::make_unique<BytesDomain>();
  if (name == "decimal") return std::make_unique<DecimalDomain>();
  if (name == "words") return std::make_unique<WordsDomain>();
  if (name == "lines") return std::make_unique<LinesDomain>();
  return absl::InvalidArgumentError(absl::StrCat("unknown domain \"", std::string(name),
                                                 "\" (expected one of ",
                                                 absl::StrJoin(DomainNames(), ", "), ")"));
}

absl::StatusOr<std::unique_ptr<Domain>> SampleDomain(std::vector<std::string> items,
                                                     std::string source) {
  if (items.empty())
    return absl::InvalidArgumentError(absl::StrCat(std::string(source), ": empty sample"));
  return std::make_unique<Sample>(std::move(items), std::move(source));
}

std::string InputDomain::Describe() const {
  std::vector<std::string> parts;
  if (keys) parts.push_back("keys " + keys->Name());
  if (values) parts.push_back("values " + values->Name());
  return parts.empty() ? "undeclared (any bytes)" : absl::StrJoin(parts, ", ");
}

namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

// Frames back to back, to the very end; nullopt at the first inconsistency.
std::optional<Pairs> ParseFrames(std::string_view text) {
  Pairs out;
  size_t pos = 0;
  while (pos < text.size()) {
    std::string_view field[2];
    for (std::string_view& f : field) {
      if (text.size() - pos < 4) return std::nullopt;
      const uint32_t len = codec::LoadU32(text.data() + pos);
      pos += 4;
      if (text.size() - pos < len) return std::nullopt;
      f = text.substr(pos, len);
      pos += len;
    }
    out.emplace_back(field[0], field[1]);
  }
  return out;
}

absl::StatusOr<Pairs> ParseJsonLines(std::string_view text, std::string_view source) {
  Pairs out;
  size_t line_no = 0;
  for (size_t pos = 0; pos < text.size();) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    auto error = [&](const auto& what) {
      return absl::InvalidArgumentError(absl::StrCat(
          std::string(source), ": line ", line_no, ": ", what,
          " (an input sample is JSON lines {\"key\": ..., \"value\": ...} as `dxt decode` writes "
          "them, or pair frames)"));
    };
    auto json = codec::ParseJsonLine(line);
    if (!json.ok()) return error(json.status().message());
    auto pair = judge::ParseInputPair(*json, "");  // the --script input convention
    if (!pair.ok()) return error(pair.status().message());
    out.push_back(std::move(*pair));
  }
  return out;
}

}  // namespace

absl::StatusOr<Pairs> ParseInputSample(std::string_view text, std::string_view source) {
  if (text.empty())
    return absl::InvalidArgumentError(absl::StrCat(std::string(source), ": empty sample"));
  std::optional<Pairs> frames = ParseFrames(text);
  absl::StatusOr<Pairs> pairs = frames ? std::move(*frames) : ParseJsonLines(text, source);
  if (pairs.ok() && pairs->empty())
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(source), ": the sample holds no pair"));
  return pairs;
}

absl::StatusOr<InputDomain> SampleInputDomain(const Pairs& pairs, std::string source) {
  std::vector<std::string> keys, values;
  for (const auto& [k, v] : pairs) {
    keys.push_back(k);
    values.push_back(v);
  }
  auto k = SampleDomain(std::move(keys), source);
  if (!k.ok()) return k.status();
  auto v = SampleDomain(std::move(values), source);
  if (!v.ok()) return v.status();
  InputDomain d;
  d.keys = std::move(*k);
  d.values = std::move(*v);
  return d;
}

}  // namespace dxt::conformance
