// Why the distributions look like this: most conversations are short (many conversations a
// second, each a fresh process), some are long (thousands of pairs through one process, where a
// program's state goes stale); most items are small, but every length class up to 64 KiB (and
// in reduce, 1 MiB) is drawn often enough to hit a window a few bytes wide in seconds.
#include "fuzz/program/generator.h"

#include <algorithm>

#include "fuzz/program/dictionary.h"

namespace dxt::progfuzz {
namespace {

constexpr size_t kBoundaries[] = {0,   1,    2,    3,    4,    7,     8,     15,    16,   31,
                                  32,  63,   64,   127,  128,  255,   256,   511,   512,  1023,
                                  1024, 4095, 4096, 8191, 8192, 16384, 32767, 32768, 65535, 65536};
// Limits people write in decimal (a 1000-byte buffer, a 3000-character line): d x 10^e.
constexpr size_t kRoundDecimals[] = {10,    20,    30,    40,    50,    60,   70,   80,   90,
                                     100,   200,   300,   400,   500,   600,  700,  800,  900,
                                     1000,  2000,  3000,  4000,  5000,  6000, 7000, 8000, 9000,
                                     10000, 20000, 30000, 40000, 50000, 60000};
constexpr char kHostileBytes[] = {'\n', ' ', '\0', '\xff', '\t', '\r', '\\', '"', '=', ':', ',',
                                  '\x01', '\x7f', '\x80', '%', '0'};

constexpr uint64_t kMaxChunkedBytes = 256 << 10;
// A program may answer every pair with its parameters (params-dump does): keep the dictionary
// small enough that a long conversation does not turn into gigabytes of output.
constexpr uint64_t kMaxParamBytes = 128 << 10;

char HostileByte(Rng& rng) { return kHostileBytes[rng.Below(sizeof(kHostileBytes))]; }

// Letters with one edge at the end or the start: the short value a hand-written parameter
// parser trips on (a trailing backslash or quote, a leading '=', a lone NUL).
std::string EdgeItem(Rng& rng, std::string edge) {
  std::string s(rng.Below(16), 'x');
  for (char& c : s) c = static_cast<char>('a' + rng.Below(26));
  return rng.OneIn(4) ? edge + s : s + edge;
}

}  // namespace

const char* DeliveryName(Delivery d) {
  switch (d) {
    case Delivery::kLockstep: return "lockstep";
    case Delivery::kPipeline: return "pipeline";
    case Delivery::kChunked: return "chunked";
  }
  return "?";
}

uint64_t Conversation::InputBytes() const {
  uint64_t n = 0;
  for (const auto& [k, v] : params) n += k.size() + v.size();
  for (const auto& [k, v] : pairs) n += k.size() + v.size();
  return n;
}

Generator::Generator(GeneratorOptions options) : options_(std::move(options)) {}

// A classic token (ClassicTokens) one time in three, or always without a dictionary; else one
// of the dictionary's. The classic ones keep their share however many strings a program holds.
const std::string& Generator::Token(Rng& rng) const {
  const auto& classic = ClassicTokens();
  if (options_.tokens.empty() || rng.OneIn(3)) return classic[rng.Below(classic.size())];
  return options_.tokens[rng.Below(options_.tokens.size())];
}

bool Generator::KeyFits(std::string_view key) const {
  return !options_.keys || options_.keys->Holds(key);
}
bool Generator::ValueFits(std::string_view value) const {
  return !options_.values || options_.values->Holds(value);
}

// A length in [0, max]: a boundary (a power of two or a round decimal) or its neighbour, a
// log-uniform draw, or a small one.
size_t Generator::Length(Rng& rng, size_t max) const {
  size_t n;
  switch (rng.Below(4)) {
    case 0: {
      n = rng.OneIn(3) ? kRoundDecimals[rng.Below(std::size(kRoundDecimals))]
                       : kBoundaries[rng.Below(std::size(kBoundaries))];
      if (rng.OneIn(3) && n > 0) n += rng.OneIn(2) ? 1 : static_cast<size_t>(-1);
      break;
    }
    case 1:
    case 2: {
      uint64_t bits = rng.Below(17);  // up to 2^17
      uint64_t lo = bits == 0 ? 0 : uint64_t{1} << (bits - 1);
      n = static_cast<size_t>(lo + rng.Below((uint64_t{1} << bits) - lo + 1));
      break;
    }
    default: n = static_cast<size_t>(rng.Below(17));
  }
  return std::min(n, max);
}

// `n` bytes in one of a few shapes a parser may care about.
std::string Generator::Fill(Rng& rng, size_t n) const {
  std::string s;
  s.reserve(n);
  switch (rng.Below(7)) {
    case 0:  // random bytes
      while (s.size() < n) s.push_back(static_cast<char>(rng.Next()));
      break;
    case 1:  // printable ASCII
      while (s.size() < n) s.push_back(static_cast<char>(0x20 + rng.Below(95)));
      break;
    case 2:  // one byte repeated
      s.assign(n, rng.OneIn(2) ? HostileByte(rng) : static_cast<char>('a' + rng.Below(26)));
      break;
    case 3:  // dictionary tokens, back to back
      while (s.size() < n) s += Token(rng);
      s.resize(n);
      break;
    case 4:  // letters with hostile bytes sprinkled in
      while (s.size() < n)
        s.push_back(rng.OneIn(8) ? HostileByte(rng) : static_cast<char>('a' + rng.Below(26)));
      break;
    case 5:  // decimal digits
      while (s.size() < n) s.push_back(static_cast<char>('0' + rng.Below(10)));
      break;
    default:  // a counter-like text: "key17"
      while (s.size() < n) s += "k" + std::to_string(rng.Below(1000));
      s.resize(n);
  }
  return s;
}

std::string Generator::MakeKey(Rng& rng) const {
  if (options_.keys) return options_.keys->Draw(rng, Length(rng, rng.OneIn(8) ? 70000 : 64));
  if (rng.OneIn(4)) return Token(rng);
  return Fill(rng, Length(rng, rng.OneIn(8) ? 70000 : 64));
}

std::string Generator::MakeValue(Rng& rng, harness::Mode mode) const {
  size_t max = mode == harness::Mode::kReduce && rng.OneIn(16) ? (size_t{1} << 20) : 70000;
  if (options_.values) return options_.values->Draw(rng, Length(rng, max));
  if (rng.OneIn(5)) {
    std::string v = Fill(rng, Length(rng, 64));
    v.insert(rng.Below(v.size() + 1), Token(rng));
    return v;
  }
  return Fill(rng, Length(rng, max));
}

Pair Generator::MakePair(Rng& rng, harness::Mode mode) const {
  return {MakeKey(rng), MakeValue(rng, mode)};
}

Pair Generator::HostileParam(Rng& rng) const {
  auto item = [&](size_t max) {
    if (rng.OneIn(4))  // short, with an edge
      return EdgeItem(rng, rng.OneIn(2) ? std::string(1, HostileByte(rng)) : Token(rng));
    std::string s = Fill(rng, Length(rng, max));
    if (rng.OneIn(3)) s.insert(0, 1, HostileByte(rng));  // leading whitespace etc.
    if (rng.OneIn(3)) s.push_back(HostileByte(rng));     // trailing
    if (rng.OneIn(4)) s.insert(rng.Below(s.size() + 1), Token(rng));
    return s;
  };
  return {item(rng.OneIn(8) ? 70000 : 40), item(rng.OneIn(8) ? 70000 : 40)};
}

// Every hostile byte and classic token once, each the edge of its own short item: the whole
// family a hand-written parameter parser may trip on, in one conversation, on the keys (the
// values plain) or on the values.
codec::ParamDict Generator::EdgeSweep(Rng& rng) const {
  const bool on_keys = rng.OneIn(2);
  codec::ParamDict d;
  auto add = [&](std::string edge) {
    std::string item = EdgeItem(rng, std::move(edge)), plain = "p" + std::to_string(d.size());
    if (on_keys)
      d.emplace_back(std::move(item), std::move(plain));
    else
      d.emplace_back(std::move(plain), std::move(item));
  };
  for (char c : kHostileBytes) add(std::string(1, c));
  for (const std::string& t : ClassicTokens()) add(t);
  return d;
}

codec::ParamDict Generator::MakeParams(Rng& rng) const {
  codec::ParamDict d;
  if (!options_.fuzz_params || rng.OneIn(2)) return d;
  if (rng.OneIn(3)) return EdgeSweep(rng);
  size_t n = rng.OneIn(8) ? 1 + rng.Below(64) : 1 + rng.Below(4);
  for (size_t i = 0; i < n; ++i) d.push_back(HostileParam(rng));
  return d;
}

Conversation Generator::Fresh(Rng& rng, harness::Mode mode) const {
  Conversation c;
  c.mode = mode;
  c.params = MakeParams(rng);
  size_t n;
  switch (rng.Below(8)) {
    case 0: n = 0; break;
    case 1:
    case 2:
    case 3: n = 1 + rng.Below(3); break;
    case 4:
    case 5: n = 4 + rng.Below(28); break;
    case 6: n = 32 + rng.Below(480); break;
    default:
      if (rng.OneIn(2)) {
        n = 4 + rng.Below(60);
      } else {
        n = mode == harness::Mode::kReduce && rng.OneIn(4) ? 2000 + rng.Below(8000)
                                                           : 200 + rng.Below(1800);
      }
  }
  // Long conversations are mostly small pairs: the pair count, not bytes, is what they probe.
  bool small = n > 64;
  for (size_t i = 0; i < n; ++i) {
    if (small && !rng.OneIn(4)) {
      c.pairs.emplace_back(Fill(rng, rng.Below(24)), Fill(rng, rng.Below(48)));
      if (options_.keys) c.pairs.back().first = options_.keys->Draw(rng, rng.Below(24));
      if (options_.values) c.pairs.back().second = options_.values->Draw(rng, rng.Below(48));
    } else {
      c.pairs.push_back(MakePair(rng, mode));
    }
    if (i > 0 && rng.OneIn(6)) c.pairs.back().first = c.pairs[i - 1].first;  // repeated key
  }
  if (mode == harness::Mode::kMap) {
    uint64_t d = rng.Below(8);
    c.delivery = d < 5 ? Delivery::kLockstep : d < 7 ? Delivery::kPipeline : Delivery::kChunked;
    c.chunk_seed = rng.Next();
  }
  Fit(rng, c);
  return c;
}

std::string Generator::MutateBytes(Rng& rng, std::string s, bool is_key) const {
  switch (rng.Below(10)) {
    case 0:  // new length, across a boundary
      s.resize(Length(rng, is_key ? 70000 : 140000), static_cast<char>('a' + rng.Below(26)));
      break;
    case 1:  // flip a bit
      if (!s.empty()) s[rng.Below(s.size())] ^= static_cast<char>(1 << rng.Below(8));
      break;
    case 2:  // a hostile byte somewhere
      if (s.empty() || rng.OneIn(3)) s.insert(rng.Below(s.size() + 1), 1, HostileByte(rng));
      else s[rng.Below(s.size())] = HostileByte(rng);
      break;
    case 3:  // a dictionary token inserted or overwriting
    {
      const std::string& t = Token(rng);
      size_t at = rng.Below(s.size() + 1);
      if (rng.OneIn(2))
        s.insert(at, t);
      else
        s.replace(at, t.size(), t);
    } break;
    case 4:  // the whole item a token
      s = Token(rng);
      break;
    case 5:  // empty
      s.clear();
      break;
    case 6:  // cut
      if (!s.empty()) s.resize(rng.Below(s.size()));
      break;
    case 7:  // grow by repeating itself
      if (!s.empty()) while (s.size() < 70000 && !rng.OneIn(3)) s += s;
      break;
    case 8: {  // an edge at the end (or the start), the item cut short one time in two
      if (s.size() > 16 && rng.OneIn(2)) s.resize(rng.Below(16));
      std::string edge = rng.OneIn(2) ? std::string(1, HostileByte(rng)) : Token(rng);
      if (rng.OneIn(4))
        s.insert(0, edge);
      else
        s += edge;
      break;
    }
    default:  // a fresh item
      s = Fill(rng, Length(rng, is_key ? 64 : 70000));
  }
  return s;
}

void Generator::MutateOnce(Rng& rng, Conversation& c, const Conversation& other) const {
  auto& p = c.pairs;
  auto at = [&](size_t extra) { return static_cast<size_t>(rng.Below(p.size() + extra)); };
  switch (rng.Below(14)) {
    case 0: p.insert(p.begin() + static_cast<ptrdiff_t>(at(1)), MakePair(rng, c.mode)); break;
    case 1:
      if (!p.empty()) p.erase(p.begin() + static_cast<ptrdiff_t>(at(0)));
      break;
    case 2:  // repeat a pair (a repeated key, and a repeated value)
      if (!p.empty()) {
        size_t i = at(0);
        p.insert(p.begin() + static_cast<ptrdiff_t>(i), rng.OneIn(4) ? 2 + rng.Below(6) : 1, p[i]);
      }
      break;
    case 3:  // a neighbouring key: the previous key with its last byte changed, or extended;
             // or the previous pair reversed
      if (p.size() >= 2) {
        size_t i = 1 + at(-1);
        if (rng.OneIn(4)) {  // the previous pair reversed (edges of a graph, both ways)
          p[i] = {p[i - 1].second, p[i - 1].first};
          break;
        }
        std::string k = p[i - 1].first;
        if (k.empty() || rng.OneIn(3)) k.push_back(static_cast<char>(rng.Next()));
        else k.back() = static_cast<char>(k.back() + (rng.OneIn(2) ? 1 : -1));
        p[i].first = k;
      }
      break;
    case 4:
    case 5:
      if (!p.empty()) {
        size_t i = at(0);
        p[i].first = MutateBytes(rng, std::move(p[i].first), true);
      }
      break;
    case 6:
    case 7:
      if (!p.empty()) {
        size_t i = at(0);
        p[i].second = MutateBytes(rng, std::move(p[i].second), false);
      }
      break;
    case 8:  // parameters
    case 9:
      if (!options_.fuzz_params) break;
      if (c.params.empty() || rng.OneIn(3)) {
        c.params.push_back(HostileParam(rng));
      } else {
        auto& e = c.params[rng.Below(c.params.size())];
        if (rng.OneIn(5)) e = c.params.back(), c.params.pop_back();
        else if (rng.OneIn(2)) e.first = MutateBytes(rng, std::move(e.first), true);
        else e.second = MutateBytes(rng, std::move(e.second), false);
      }
      break;
    case 10:  // delivery
      if (c.mode == harness::Mode::kMap) {
        c.delivery = static_cast<Delivery>(rng.Below(3));
        c.chunk_seed = rng.Next();
      }
      break;
    case 11:  // splice pairs from another conversation
      if (!other.pairs.empty()) {
        size_t from = rng.Below(other.pairs.size());
        size_t n = 1 + rng.Below(std::min<size_t>(other.pairs.size() - from, 16));
        p.insert(p.begin() + static_cast<ptrdiff_t>(at(1)),
                 other.pairs.begin() + static_cast<ptrdiff_t>(from),
                 other.pairs.begin() + static_cast<ptrdiff_t>(from + n));
      }
      break;
    case 12:  // swap neighbours (order-dependent state)
      if (p.size() >= 2) {
        size_t i = at(-1);
        std::swap(p[i], p[i + 1]);
      }
      break;
    default:  // many pairs (reduce) / a long run (map)
      if (!p.empty()) {
        size_t i = at(0);
        size_t n = 16 + rng.Below(c.mode == harness::Mode::kReduce ? 4000 : 500);
        p.insert(p.begin() + static_cast<ptrdiff_t>(i), n, p[i]);
      }
  }
}

Conversation Generator::Mutate(Rng& rng, const Conversation& parent,
                               const Conversation& other) const {
  Conversation c = parent;
  int n = 1 + static_cast<int>(rng.Below(4));
  for (int i = 0; i < n; ++i) MutateOnce(rng, c, other);
  Fit(rng, c);
  return c;
}

// Keeps every item in its declared domain (a mutated item that left it is drawn afresh at its
// size) and the conversation within its byte budget (pairs dropped from the end).
void Generator::Fit(Rng& rng, Conversation& c) const {
  for (auto& [k, v] : c.pairs) {
    if (!KeyFits(k)) k = options_.keys->Draw(rng, k.size());
    if (!ValueFits(v)) v = options_.values->Draw(rng, v.size());
  }
  uint64_t budget =
      c.mode == harness::Mode::kMap ? options_.max_map_bytes : options_.max_reduce_bytes;
  uint64_t total = 0;
  size_t keep_params = 0;
  for (; keep_params < c.params.size(); ++keep_params) {
    total += c.params[keep_params].first.size() + c.params[keep_params].second.size();
    if (total > kMaxParamBytes) break;
  }
  c.params.resize(keep_params);
  total = 0;
  for (const auto& [k, v] : c.params) total += k.size() + v.size();
  size_t keep = 0;
  for (; keep < c.pairs.size(); ++keep) {
    total += c.pairs[keep].first.size() + c.pairs[keep].second.size() + 8;
    if (total > budget) break;
  }
  c.pairs.resize(keep);
  // Chunks of a few bytes cost one poll each: only small conversations are delivered that way.
  if (c.delivery == Delivery::kChunked && total > kMaxChunkedBytes) c.delivery = Delivery::kLockstep;
}

}  // namespace dxt::progfuzz
