// Why the comparison is shaped this way:
//  - The output arrives as list parts from the driver; each pair is compared the moment it
//    arrives and then forgotten, so a 300 MiB list costs one pair of memory, as on the wire.
//  - The expected side is pulled one pair at a time, from the case or from a file of pair frames,
//    so an expectation as large as the output costs no more.
//  - After the first difference both sides are still counted and hashed to the end: the report
//    says how many pairs each side had and their SHA-256, so a user can tell "one byte wrong"
//    from "everything shifted" without rerunning.
//  - Multiset order cannot compare pair by pair: the expectation becomes a table of per-pair
//    SHA-256 digests with counts (one entry per distinct pair), and the output is checked off it.
#include "judge/content.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "codec/wire_format.h"
#include "judge/checks.h"

namespace dxt::judge {
namespace {

constexpr size_t kReadChunk = 1 << 20;
constexpr size_t kContextBefore = 16;
constexpr size_t kContextBytes = 48;
constexpr size_t kHexBytes = 8;

std::string Hex(const unsigned char* p, size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out += kDigits[p[i] >> 4];
    out += kDigits[p[i] & 15];
  }
  return out;
}

// SHA-256 over pair frames fed as their pieces (no frame is built).
class FrameHash {
 public:
  FrameHash() : ctx_(EVP_MD_CTX_new()) { Reset(); }
  ~FrameHash() { EVP_MD_CTX_free(ctx_); }
  FrameHash(const FrameHash&) = delete;
  FrameHash& operator=(const FrameHash&) = delete;
  void Reset() { EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr); }
  void AddPair(const codec::PairView& p) {
    for (std::string_view item : {p.key, p.value}) {
      unsigned char len[codec::kLengthPrefixSize];
      const uint32_t n = static_cast<uint32_t>(item.size());
      for (size_t i = 0; i < sizeof len; ++i) len[i] = static_cast<unsigned char>(n >> (8 * i));
      EVP_DigestUpdate(ctx_, len, sizeof len);
      EVP_DigestUpdate(ctx_, item.data(), item.size());
    }
  }
  std::string RawDigest() {  // and resets
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned n = 0;
    EVP_DigestFinal_ex(ctx_, d, &n);
    Reset();
    return std::string(reinterpret_cast<char*>(d), n);
  }
  std::string HexDigest() {
    const std::string raw = RawDigest();
    return Hex(reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
  }

 private:
  EVP_MD_CTX* ctx_;
};

PairExcerpt ExcerptOf(const codec::PairView& p, uint64_t index, std::optional<uint64_t> offset) {
  return PairExcerpt{index,
                     offset,
                     p.key.size(),
                     p.value.size(),
                     std::string(p.key.substr(0, kExcerptBytes)),
                     std::string(p.value.substr(0, kExcerptBytes)),
                     1};
}

// Where `a` and `b` first differ; nullopt when equal. A proper prefix differs at its end.
std::optional<uint64_t> FirstMismatch(std::string_view a, std::string_view b) {
  const size_t n = std::min(a.size(), b.size());
  const auto [ia, ib] = std::mismatch(a.begin(), a.begin() + static_cast<ptrdiff_t>(n), b.begin());
  const uint64_t at = static_cast<uint64_t>(ia - a.begin());
  if (at == n && a.size() == b.size()) return std::nullopt;
  return at;
}

// The expected pairs, one at a time; a view lives until the next call.
class ExpectedSource {
 public:
  virtual ~ExpectedSource() = default;
  // true and `pair` set; false at the end; errors for a corrupt file.
  virtual absl::StatusOr<bool> Next(codec::PairView* pair) = 0;
};

class VectorSource : public ExpectedSource {
 public:
  explicit VectorSource(const std::vector<OwnedPair>& pairs) : pairs_(pairs) {}
  absl::StatusOr<bool> Next(codec::PairView* pair) override {
    if (next_ == pairs_.size()) return false;
    const OwnedPair& p = pairs_[next_++];
    *pair = codec::PairView{p.first, p.second};
    return true;
  }

 private:
  const std::vector<OwnedPair>& pairs_;
  size_t next_ = 0;
};

// A file of pair frames (R3.1), decoded with codec::DecodePair from a buffer holding at most one
// pair and one read chunk.
class FileSource : public ExpectedSource {
 public:
  static absl::StatusOr<std::unique_ptr<FileSource>> Open(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      const int err = errno;
      const std::string text = absl::StrCat("expected output file ", path, ": ", std::strerror(err));
      if (err == ENOENT) return absl::NotFoundError(text);
      if (err == EACCES) return absl::PermissionDeniedError(text);
      return absl::InvalidArgumentError(text);
    }
    return std::unique_ptr<FileSource>(new FileSource(path, fd));
  }
  ~FileSource() override { ::close(fd_); }

  absl::StatusOr<bool> Next(codec::PairView* pair) override {
    while (true) {
      const std::string_view rest = std::string_view(buf_).substr(pos_);
      codec::Decoded<codec::PairView> d = codec::DecodePair(rest);
      if (d.ok()) {
        *pair = d.value;
        pos_ += d.consumed;
        offset_ += d.consumed;
        ++pairs_;
        return true;
      }
      if (d.invalid()) {
        return absl::DataLossError(absl::StrCat("expected output file ", path_, ": offset ",
                                                offset_ + d.error_offset, ": pair ", pairs_, ": ",
                                                d.reason));
      }
      if (eof_) {
        if (rest.empty()) return false;
        return absl::DataLossError(absl::StrCat("expected output file ", path_, ": offset ",
                                                offset_, ": file ends inside pair ", pairs_,
                                                " (R3.3)"));
      }
      if (absl::Status s = Fill(rest.size()); !s.ok()) return s;
    }
  }

 private:
  FileSource(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}

  // Drops what was consumed and reads one more chunk, with room for the whole pending pair once
  // its size is known (the string never regrows by copying a large item).
  absl::Status Fill(size_t pending) {
    buf_.erase(0, pos_);
    pos_ = 0;
    if (pending >= 2 * codec::kLengthPrefixSize) {
      const uint64_t klen = codec::LoadU32(buf_.data());
      if (pending >= klen + 2 * codec::kLengthPrefixSize) {
        const uint64_t vlen = codec::LoadU32(buf_.data() + codec::kLengthPrefixSize + klen);
        buf_.reserve(2 * codec::kLengthPrefixSize + klen + vlen);
      }
    }
    const size_t have = buf_.size();
    buf_.resize(have + kReadChunk);
    ssize_t n;
    while ((n = ::read(fd_, buf_.data() + have, kReadChunk)) < 0 && errno == EINTR) {
    }
    if (n < 0) {
      const int err = errno;
      buf_.resize(have);
      return absl::DataLossError(
          absl::StrCat("expected output file ", path_, ": read failed: ", std::strerror(err)));
    }
    buf_.resize(have + static_cast<size_t>(n));
    if (n == 0) eof_ = true;
    return absl::OkStatus();
  }

  std::string path_;
  int fd_;
  std::string buf_;
  size_t pos_ = 0;
  uint64_t offset_ = 0;  // file offset of buf_[pos_]
  uint64_t pairs_ = 0;
  bool eof_ = false;
};

absl::StatusOr<std::unique_ptr<ExpectedSource>> OpenSource(const Expectation& e) {
  if (e.output) return std::unique_ptr<ExpectedSource>(new VectorSource(*e.output));
  absl::StatusOr<std::unique_ptr<FileSource>> f = FileSource::Open(e.output_file.value_or(""));
  if (!f.ok()) return f.status();
  return std::unique_ptr<ExpectedSource>(std::move(*f));
}

uint64_t FrameBytes(const codec::PairView& p) { return codec::PairFrameSize(p.key, p.value); }

}  // namespace

struct OutputComparer::State {
  bool multiset = false;
  std::unique_ptr<ExpectedSource> expected;
  bool expected_done = false;
  FrameHash expected_hash, got_hash, pair_hash;
  ContentEvidence ev;
  // Stdout position of the next pair: known while every list has been seen from its start.
  bool placed = true;
  std::optional<uint64_t> last_list;
  uint64_t offset = 0;
  // Multiset: digest of each distinct expected pair -> copies not yet seen in the output.
  struct Entry {
    uint64_t left = 0;
    PairExcerpt first;  // its first occurrence in the expectation
  };
  absl::flat_hash_map<std::string, Entry> table;

  // Pulls the next expected pair, counting and hashing it; false at its end.
  absl::StatusOr<bool> PullExpected(codec::PairView* p) {
    if (expected_done) return false;
    absl::StatusOr<bool> more = expected->Next(p);
    if (!more.ok()) return more.status();
    if (!*more) {
      expected_done = true;
      return false;
    }
    ++ev.expected_pairs;
    ev.expected_bytes += FrameBytes(*p);
    expected_hash.AddPair(*p);
    return true;
  }

  void RecordDifference(const codec::PairView& want, const codec::PairView& got, uint64_t index,
                        std::optional<uint64_t> at) {
    std::optional<uint64_t> byte = FirstMismatch(want.key, got.key);
    const bool in_key = byte.has_value();
    if (!in_key) byte = FirstMismatch(want.value, got.value);
    if (!byte) return;  // equal
    FirstDifference d;
    d.kind = in_key ? FirstDifference::Kind::kKey : FirstDifference::Kind::kValue;
    d.index = index;
    d.byte = *byte;
    if (at) {
      d.stdout_offset = *at + codec::kLengthPrefixSize + *byte +
                        (in_key ? 0 : got.key.size() + codec::kLengthPrefixSize);
    }
    d.context_start = *byte > kContextBefore ? *byte - kContextBefore : 0;
    const std::string_view w = in_key ? want.key : want.value, g = in_key ? got.key : got.value;
    d.expected_context = std::string(w.substr(std::min<uint64_t>(d.context_start, w.size()), kContextBytes));
    d.got_context = std::string(g.substr(std::min<uint64_t>(d.context_start, g.size()), kContextBytes));
    d.expected = ExcerptOf(want, index, std::nullopt);
    d.got = ExcerptOf(got, index, at);
    ev.first = std::move(d);
  }
};

OutputComparer::OutputComparer(std::unique_ptr<State> state) : s_(std::move(state)) {}
OutputComparer::~OutputComparer() = default;

absl::StatusOr<std::unique_ptr<OutputComparer>> OutputComparer::Create(const Expectation& e) {
  auto s = std::make_unique<State>();
  absl::StatusOr<std::unique_ptr<ExpectedSource>> src = OpenSource(e);
  if (!src.ok()) return src.status();
  s->expected = std::move(*src);
  s->multiset = s->ev.multiset = e.multiset;
  if (s->multiset) {  // the table of expected pairs, read once
    codec::PairView p;
    for (uint64_t i = 0;; ++i) {
      absl::StatusOr<bool> more = s->PullExpected(&p);
      if (!more.ok()) return more.status();
      if (!*more) break;
      s->pair_hash.AddPair(p);
      State::Entry& entry = s->table[s->pair_hash.RawDigest()];
      if (entry.left++ == 0) entry.first = ExcerptOf(p, i, std::nullopt);
    }
  }
  return std::unique_ptr<OutputComparer>(new OutputComparer(std::move(s)));
}

absl::Status OutputComparer::Add(uint64_t list_index, std::span<const codec::PairView> pairs) {
  if (s_->placed && s_->last_list != list_index) {  // a new list: its count comes first
    s_->offset += codec::kListHeaderSize;
    s_->last_list = list_index;
  }
  for (const codec::PairView& p : pairs) {
    std::optional<uint64_t> at;
    if (s_->placed) at = s_->offset;
    s_->offset += FrameBytes(p);
    if (absl::Status st = AddPair(p, at); !st.ok()) return st;
  }
  return absl::OkStatus();
}

absl::Status OutputComparer::AddUnplaced(std::span<const codec::PairView> pairs) {
  s_->placed = false;
  for (const codec::PairView& p : pairs) {
    if (absl::Status st = AddPair(p, std::nullopt); !st.ok()) return st;
  }
  return absl::OkStatus();
}

absl::Status OutputComparer::AddPair(const codec::PairView& got, std::optional<uint64_t> at) {
  State& s = *s_;
  ContentEvidence& ev = s.ev;
  const uint64_t index = ev.got_pairs++;
  ev.got_bytes += FrameBytes(got);
  s.got_hash.AddPair(got);
  if (s.multiset) {
    s.pair_hash.AddPair(got);
    auto it = s.table.find(s.pair_hash.RawDigest());
    if (it != s.table.end() && it->second.left > 0) {
      --it->second.left;
    } else if (ev.unexpected_count++ < kMaxListedPairs) {
      ev.unexpected.push_back(ExcerptOf(got, index, at));
    }
    return absl::OkStatus();
  }
  codec::PairView want;
  absl::StatusOr<bool> more = s.PullExpected(&want);
  if (!more.ok()) return more.status();
  if (ev.first) return absl::OkStatus();  // both sides only counted and hashed from here on
  if (!*more) {
    FirstDifference d;
    d.kind = FirstDifference::Kind::kUnexpected;
    d.index = index;
    d.got = ExcerptOf(got, index, at);
    ev.first = std::move(d);
    return absl::OkStatus();
  }
  s.RecordDifference(want, got, index, at);
  return absl::OkStatus();
}

absl::StatusOr<ContentEvidence> OutputComparer::Finish() {
  State& s = *s_;
  ContentEvidence& ev = s.ev;
  codec::PairView want;
  while (true) {
    absl::StatusOr<bool> more = s.PullExpected(&want);
    if (!more.ok()) return more.status();
    if (!*more) break;
    if (!s.multiset && !ev.first) {
      FirstDifference d;
      d.kind = FirstDifference::Kind::kMissing;
      d.index = ev.got_pairs;
      d.expected = ExcerptOf(want, ev.expected_pairs - 1, std::nullopt);
      ev.first = std::move(d);
    }
  }
  if (s.multiset) {
    std::vector<const State::Entry*> left;
    for (const auto& [digest, entry] : s.table) {
      if (entry.left == 0) continue;
      ev.missing_count += entry.left;
      left.push_back(&entry);
    }
    std::sort(left.begin(), left.end(), [](const State::Entry* a, const State::Entry* b) {
      return a->first.index < b->first.index;
    });
    for (size_t i = 0; i < left.size() && i < kMaxListedPairs; ++i) {
      PairExcerpt p = left[i]->first;
      p.copies = left[i]->left;
      ev.missing.push_back(std::move(p));
    }
  }
  ev.expected_sha256 = s.expected_hash.HexDigest();
  ev.got_sha256 = s.got_hash.HexDigest();
  return ev;
}

namespace {

std::string ExcerptText(const PairExcerpt& p) {
  auto item = [](const std::string& bytes, uint64_t size) {
    std::string text = absl::StrCat("\"", EscapeBytes(bytes, kExcerptBytes),
                                    size > bytes.size() ? "..." : "", "\"");
    if (size > bytes.size()) absl::StrAppend(&text, " (", size, " bytes)");
    return text;
  };
  std::string text = absl::StrCat("(", item(p.key, p.key_size), ", ", item(p.value, p.value_size), ")");
  if (p.copies > 1) absl::StrAppend(&text, " x", p.copies);
  return text;
}

std::string HexOf(std::string_view bytes) {
  std::vector<std::string> parts;
  for (unsigned char c : bytes.substr(0, kHexBytes)) {
    parts.push_back(Hex(&c, 1));
  }
  return parts.empty() ? "(none)" : absl::StrJoin(parts, " ");
}

std::string ContextText(const FirstDifference& d, const std::string& context, uint64_t size) {
  const uint64_t from = d.byte - std::min(d.byte, d.context_start);
  const std::string_view at = std::string_view(context).substr(std::min<uint64_t>(from, context.size()));
  return absl::StrCat(size, " bytes, from byte ", d.context_start, ": ",
                      d.context_start > 0 ? "..." : "", "\"", EscapeBytes(context, kContextBytes),
                      "\"; at byte ", d.byte, ": ", HexOf(at));
}

std::string ListText(const std::vector<PairExcerpt>& pairs, uint64_t count, bool got_side) {
  std::vector<std::string> parts;
  for (const PairExcerpt& p : pairs) {
    std::string where = got_side ? absl::StrCat("output pair ", p.index) : absl::StrCat("expected pair ", p.index);
    if (p.stdout_offset) absl::StrAppend(&where, ", stdout offset ", *p.stdout_offset);
    parts.push_back(absl::StrCat(ExcerptText(p), " [", where, "]"));
  }
  if (count > pairs.size()) parts.push_back(absl::StrCat("and ", count - pairs.size(), " more"));
  return absl::StrJoin(parts, ", ");
}

}  // namespace

std::string DescribeDifference(const ContentEvidence& e) {
  std::string head;
  if (e.multiset) {
    std::vector<std::string> parts;
    if (e.missing_count > 0)
      parts.push_back(absl::StrCat(e.missing_count, " expected pair(s) missing: ",
                                   ListText(e.missing, e.missing_count, false)));
    if (e.unexpected_count > 0)
      parts.push_back(absl::StrCat(e.unexpected_count, " unexpected pair(s): ",
                                   ListText(e.unexpected, e.unexpected_count, true)));
    head = absl::StrCat("as a multiset, ", absl::StrJoin(parts, "; "));
  } else if (e.first) {
    const FirstDifference& d = *e.first;
    using K = FirstDifference::Kind;
    switch (d.kind) {
      case K::kKey:
      case K::kValue: {
        const bool key = d.kind == K::kKey;
        head = absl::StrCat(
            "output pair ", d.index,
            d.got && d.got->stdout_offset ? absl::StrCat(" (stdout offset ", *d.got->stdout_offset, ")") : "",
            ": ", key ? "key" : "value", " differs at byte ", d.byte,
            d.stdout_offset ? absl::StrCat(" (stdout offset ", *d.stdout_offset, ")") : "",
            ": expected ", ContextText(d, d.expected_context, key ? d.expected->key_size : d.expected->value_size),
            "; got ", ContextText(d, d.got_context, key ? d.got->key_size : d.got->value_size),
            "; expected ", ExcerptText(*d.expected), ", got ", ExcerptText(*d.got));
        break;
      }
      case K::kMissing:
        head = absl::StrCat("the output ended after ", d.index, " pair(s); expected pair ", d.index,
                            " is ", ExcerptText(*d.expected));
        break;
      case K::kUnexpected:
        head = absl::StrCat("the expectation ends after ", d.index, " pair(s); output pair ",
                            d.index,
                            d.got->stdout_offset ? absl::StrCat(" (stdout offset ", *d.got->stdout_offset, ")") : "",
                            " is ", ExcerptText(*d.got));
        break;
    }
  }
  return absl::StrCat(head, "; expected ", e.expected_pairs, " output pair(s), got ", e.got_pairs,
                      " (pair frames: expected ", e.expected_bytes, " bytes, sha256 ",
                      e.expected_sha256, "; got ", e.got_bytes, " bytes, sha256 ", e.got_sha256, ")");
}

}  // namespace dxt::judge
