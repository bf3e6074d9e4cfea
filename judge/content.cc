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
//    Hashing, not sorted runs: sorting needs both sides whole (or spilled to disk), a table needs
//    only the expectation's distinct pairs, and the output still streams.
//  - Everything the text needs is collected here, as the pairs go by, so one comparison both
//    decides and describes: excerpts of the pairs around the first difference (a ring of the
//    last kContextPairs before it, the next ones after it), the bytes around the first differing
//    byte, and the first kMaxListedPairs pairs of each listing. All of it is bounded by those
//    constants, whatever the size of the output.
#include "judge/content.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "codec/wire_format.h"

namespace dxt::judge {
namespace {

constexpr size_t kReadChunk = 1 << 20;
// A multiset's first unexpected pair is kept whole up to this size: with one pair missing and
// one unexpected under the same key, it is compared with the missing one for the differing byte.
constexpr uint64_t kMaxKeptPairBytes = uint64_t{16} << 20;

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

// Sets `e` to `p`, reusing its strings' storage (the ring before a difference is refilled for
// every pair of an output).
void SetExcerpt(PairExcerpt* e, const codec::PairView& p, uint64_t index,
                std::optional<uint64_t> offset) {
  e->index = index;
  e->stdout_offset = offset;
  e->key_size = p.key.size();
  e->value_size = p.value.size();
  e->key.assign(p.key.substr(0, kExcerptBytes));
  e->value.assign(p.value.substr(0, kExcerptBytes));
  e->copies = 1;
}

PairExcerpt ExcerptOf(const codec::PairView& p, uint64_t index, std::optional<uint64_t> offset) {
  PairExcerpt e;
  SetExcerpt(&e, p, index, offset);
  return e;
}

ByteDifference ByteDifferenceOf(std::string_view want, std::string_view got, uint64_t byte,
                                bool in_key) {
  ByteDifference d;
  d.in_key = in_key;
  d.byte = byte;
  d.expected_size = want.size();
  d.got_size = got.size();
  d.context_start = byte - std::min<uint64_t>(byte, kHexContextBytes);
  const uint64_t length = byte + kHexContextBytes + 1 - d.context_start;
  d.expected_context =
      std::string(want.substr(std::min<uint64_t>(d.context_start, want.size()), length));
  d.got_context = std::string(got.substr(std::min<uint64_t>(d.context_start, got.size()), length));
  return d;
}

// The expected pairs, one at a time; a view lives until the next call.
class ExpectedSource {
 public:
  virtual ~ExpectedSource() = default;
  // true and `pair` set; false at the end; errors for a corrupt file.
  virtual absl::StatusOr<bool> Next(codec::PairView* pair) = 0;
  // Back to the first pair (a second pass, to fetch one pair whole). Errors for a file that
  // cannot be read again.
  virtual absl::Status Rewind() = 0;
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
  absl::Status Rewind() override {
    next_ = 0;
    return absl::OkStatus();
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

  absl::Status Rewind() override {
    if (::lseek(fd_, 0, SEEK_SET) != 0) {
      return absl::DataLossError(absl::StrCat("expected output file ", path_,
                                              ": cannot read it again: ", std::strerror(errno)));
    }
    buf_.clear();
    pos_ = 0;
    offset_ = 0;
    pairs_ = 0;
    eof_ = false;
    return absl::OkStatus();
  }

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

std::optional<uint64_t> FirstDifferingByte(std::string_view a, std::string_view b) {
  const size_t n = std::min(a.size(), b.size());
  const auto [ia, ib] = std::mismatch(a.begin(), a.begin() + static_cast<ptrdiff_t>(n), b.begin());
  const uint64_t at = static_cast<uint64_t>(ia - a.begin());
  if (at == n && a.size() == b.size()) return std::nullopt;
  return at;
}

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
  // Exact order, until the first difference: the last kContextPairs pairs (alike on both
  // sides), pair i in slot i % kContextPairs.
  std::array<PairExcerpt, kContextPairs> recent;
  // Multiset: digest of each distinct expected pair -> copies not yet seen in the output.
  struct Entry {
    uint64_t left = 0;
    PairExcerpt first;  // its first occurrence in the expectation
  };
  absl::flat_hash_map<std::string, Entry> table;
  std::vector<std::string> unexpected_digests;  // of ev.unexpected, in the same order
  std::optional<OwnedPair> first_unexpected;    // ev.unexpected[0] whole, when not too large

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

  // The kContextPairs pairs (or fewer) before pair `index`, oldest first.
  std::vector<PairExcerpt> Before(uint64_t index) const {
    std::vector<PairExcerpt> out;
    for (uint64_t i = index - std::min<uint64_t>(index, kContextPairs); i < index; ++i)
      out.push_back(recent[i % kContextPairs]);
    return out;
  }

  void StartDifference(FirstDifference::Kind kind, uint64_t index) {
    FirstDifference d;
    d.kind = kind;
    d.index = index;
    d.before = Before(index);
    ev.first = std::move(d);
  }

  // Exact order: pair `index` of both sides, before any difference.
  void Compare(const codec::PairView& want, const codec::PairView& got, uint64_t index,
               std::optional<uint64_t> at) {
    std::optional<uint64_t> byte = FirstDifferingByte(want.key, got.key);
    const bool in_key = byte.has_value();
    if (!in_key) byte = FirstDifferingByte(want.value, got.value);
    if (!byte) {  // equal
      SetExcerpt(&recent[index % kContextPairs], got, index, at);
      return;
    }
    StartDifference(in_key ? FirstDifference::Kind::kKey : FirstDifference::Kind::kValue, index);
    FirstDifference& d = *ev.first;
    d.bytes = in_key ? ByteDifferenceOf(want.key, got.key, *byte, true)
                     : ByteDifferenceOf(want.value, got.value, *byte, false);
    if (at) {
      d.stdout_offset = *at + codec::kLengthPrefixSize + *byte +
                        (in_key ? 0 : got.key.size() + codec::kLengthPrefixSize);
    }
    d.expected = ExcerptOf(want, index, std::nullopt);
    d.got = ExcerptOf(got, index, at);
  }

  // Exact order, after the first difference: what the text still shows of later pairs. `want`
  // is expected pair `index` (null when the expectation has ended), `got` output pair `index`
  // (null when only the expectation goes on).
  void AfterDifference(const codec::PairView* want, const codec::PairView* got, uint64_t index,
                       std::optional<uint64_t> at) {
    FirstDifference& d = *ev.first;
    using K = FirstDifference::Kind;
    std::vector<PairExcerpt>* rest = d.kind == K::kMissing      ? (want ? &d.rest : nullptr)
                                     : d.kind == K::kUnexpected ? (got ? &d.rest : nullptr)
                                                                : nullptr;
    if (rest) {
      if (rest->size() < kMaxListedPairs)
        rest->push_back(d.kind == K::kMissing ? ExcerptOf(*want, index, std::nullopt)
                                              : ExcerptOf(*got, index, at));
      return;
    }
    if (d.kind != K::kKey && d.kind != K::kValue) return;
    if (want && d.expected_after.size() < kContextPairs)
      d.expected_after.push_back(ExcerptOf(*want, index, std::nullopt));
    if (got && d.got_after.size() < kContextPairs)
      d.got_after.push_back(ExcerptOf(*got, index, at));
  }

  // Multiset: an output pair the expectation has no copy left of.
  void Unexpected(const codec::PairView& got, uint64_t index, std::optional<uint64_t> at,
                  std::string digest) {
    ++ev.unexpected_count;
    for (size_t i = 0; i < unexpected_digests.size(); ++i) {
      if (unexpected_digests[i] == digest) {
        ++ev.unexpected[i].copies;
        return;
      }
    }
    if (ev.unexpected.size() == kMaxListedPairs) return;  // counted only
    if (ev.unexpected.empty() && got.key.size() + got.value.size() <= kMaxKeptPairBytes)
      first_unexpected = OwnedPair(got.key, got.value);
    ev.unexpected.push_back(ExcerptOf(got, index, at));
    unexpected_digests.push_back(std::move(digest));
  }

  // Multiset with one distinct pair missing (`missing`) and one unexpected: where their values
  // differ when their keys are the same. The missing pair is read again from the expectation.
  absl::StatusOr<std::optional<ByteDifference>> SameKey(const Entry& missing) {
    if (!first_unexpected || missing.first.key_size != first_unexpected->first.size())
      return std::nullopt;
    if (absl::Status s = expected->Rewind(); !s.ok()) return s;
    codec::PairView want;
    for (uint64_t i = 0; i <= missing.first.index; ++i) {
      absl::StatusOr<bool> more = expected->Next(&want);
      if (!more.ok()) return more.status();
      if (!*more) return std::nullopt;  // cannot happen: it was read before
    }
    const OwnedPair& got = *first_unexpected;
    if (want.key != got.first) return std::nullopt;
    std::optional<uint64_t> byte = FirstDifferingByte(want.value, got.second);
    if (!byte) return std::nullopt;
    return ByteDifferenceOf(want.value, got.second, *byte, false);
  }

  // Multiset, at the end: the expected pairs with copies left, in expectation order.
  absl::Status ListMissing() {
    std::vector<const Entry*> left;
    for (const auto& [digest, entry] : table) {
      if (entry.left == 0) continue;
      ev.missing_count += entry.left;
      left.push_back(&entry);
    }
    const size_t listed = std::min(left.size(), kMaxListedPairs);
    std::partial_sort(left.begin(), left.begin() + static_cast<ptrdiff_t>(listed), left.end(),
                      [](const Entry* a, const Entry* b) { return a->first.index < b->first.index; });
    for (size_t i = 0; i < listed; ++i) {
      PairExcerpt p = left[i]->first;
      p.copies = left[i]->left;
      ev.missing.push_back(std::move(p));
    }
    if (left.size() == 1 && ev.unexpected.size() == 1) {
      absl::StatusOr<std::optional<ByteDifference>> same = SameKey(*left[0]);
      if (!same.ok()) return same.status();
      ev.same_key = std::move(*same);
    }
    return absl::OkStatus();
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
    std::string digest = s.pair_hash.RawDigest();
    auto it = s.table.find(digest);
    if (it != s.table.end() && it->second.left > 0) {
      --it->second.left;
    } else {
      s.Unexpected(got, index, at, std::move(digest));
    }
    return absl::OkStatus();
  }
  codec::PairView want;
  absl::StatusOr<bool> more = s.PullExpected(&want);
  if (!more.ok()) return more.status();
  if (!ev.first && !*more) s.StartDifference(FirstDifference::Kind::kUnexpected, index);
  if (ev.first) {  // from here on both sides are counted and hashed, and a few pairs kept
    s.AfterDifference(*more ? &want : nullptr, &got, index, at);
    return absl::OkStatus();
  }
  s.Compare(want, got, index, at);
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
    if (s.multiset) continue;
    if (!ev.first) s.StartDifference(FirstDifference::Kind::kMissing, ev.got_pairs);
    s.AfterDifference(&want, nullptr, ev.expected_pairs - 1, std::nullopt);
  }
  if (s.multiset) {
    if (absl::Status st = s.ListMissing(); !st.ok()) return st;
  }
  ev.expected_sha256 = s.expected_hash.HexDigest();
  ev.got_sha256 = s.got_hash.HexDigest();
  return ev;
}

}  // namespace dxt::judge
