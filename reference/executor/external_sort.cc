#include "reference/executor/external_sort.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>
#include <queue>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "reference/executor/framed_file.h"

namespace dxt::executor {
namespace {

// Below this many records one thread sorts the whole buffer (starting threads costs more).
constexpr size_t kParallelSortMin = 1 << 16;
// Below this many records a radix bucket is left to std::sort.
constexpr size_t kRadixMin = 64;
// How many records ahead of the one it emits a slice's head prefetches the arena bytes.
constexpr size_t kPrefetchAhead = 16;
constexpr unsigned kMaxSortThreads = 8;

// The first 8 key bytes as a big-endian integer, zero-padded: prefixes that differ order their
// keys exactly as the bytes do (a key that ends early is padded with 0, the smallest byte, and is
// then a prefix of the other key, so it sorts first either way); equal prefixes decide nothing.
uint64_t KeyPrefix(std::string_view key) {
  unsigned char bytes[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  std::memcpy(bytes, key.data(), std::min<size_t>(key.size(), 8));
  uint64_t v = 0;
  for (unsigned char b : bytes) v = (v << 8) | b;  // compiles to one load and a bswap
  return v;
}

}  // namespace

bool PairLess(std::string_view ak, std::string_view av, std::string_view bk, std::string_view bv) {
  // std::char_traits<char> compares as unsigned char, which is the C-locale byte order.
  const int c = ak.compare(bk);
  if (c != 0) return c < 0;
  return av.compare(bv) < 0;
}

ExternalSorter::ExternalSorter(std::string temp_prefix, uint64_t memory_budget,
                               SortAlgorithm algorithm)
    : temp_prefix_(std::move(temp_prefix)),
      budget_(std::max(memory_budget, kMinBudget)),
      algorithm_(algorithm) {}

ExternalSorter::~ExternalSorter() {
  for (const std::string& run : runs_) std::remove(run.c_str());
}

std::string ExternalSorter::NewRunPath() { return absl::StrCat(temp_prefix_, "run-", run_names_++); }

absl::Status ExternalSorter::Add(std::string_view key, std::string_view value) {
  const uint64_t size = key.size() + value.size();
  // The arena and the index share the budget, whatever the record sizes.
  const bool full = arena_.size() + size + (records_.size() + 1) * sizeof(Record) > budget_;
  if (full && !records_.empty()) {
    if (absl::Status s = SpillBuffer(); !s.ok()) return s;
  }
  // Reserved once, at their largest: address space only until records arrive, and neither is
  // ever copied by a reallocation (a growing vector briefly holds two copies of the index).
  if (arena_.capacity() == 0) arena_.reserve(std::max<uint64_t>(budget_, size));
  if (records_.capacity() == 0) records_.reserve(budget_ / sizeof(Record) + 1);
  const uint64_t prefix = algorithm_ == SortAlgorithm::kFast ? KeyPrefix(key) : 0;
  records_.push_back(Record{prefix, arena_.size(), static_cast<uint32_t>(key.size()),
                            static_cast<uint32_t>(value.size())});
  arena_.append(key);
  arena_.append(value);
  ++pairs_;
  return absl::OkStatus();
}

bool ExternalSorter::PrefixLess(const char* base, const Record& a, const Record& b) {
  if (a.prefix != b.prefix) return a.prefix < b.prefix;
  return PairLess({base + a.offset, a.key_size}, {base + a.offset + a.key_size, a.value_size},
                  {base + b.offset, b.key_size}, {base + b.offset + b.key_size, b.value_size});
}

// In-place MSD radix sort (American flag sort) of [first, last) by prefix byte `byte` (0 = the
// most significant), then by the next byte within each bucket; std::sort by PrefixLess below
// kRadixMin records and once the 8 prefix bytes are used up (the ties PairLess settles). Each
// level is one counting pass and one pass of swaps, where std::sort needs log2(n) partitions.
void ExternalSorter::RadixSort(Record* first, Record* last, int byte, const char* base) {
  const size_t n = static_cast<size_t>(last - first);
  if (n < kRadixMin || byte == 8) {
    std::sort(first, last,
              [base](const Record& a, const Record& b) { return PrefixLess(base, a, b); });
    return;
  }
  const int shift = 56 - 8 * byte;
  auto digit = [shift](const Record& r) { return static_cast<size_t>((r.prefix >> shift) & 0xff); };
  size_t count[256] = {};
  for (const Record* r = first; r != last; ++r) ++count[digit(*r)];
  if (count[digit(*first)] == n) return RadixSort(first, last, byte + 1, base);  // one bucket
  size_t start[257], next[256];
  start[0] = 0;
  for (size_t b = 0; b < 256; ++b) next[b] = start[b], start[b + 1] = start[b] + count[b];
  for (size_t b = 0; b < 256; ++b) {
    // Every record met from here on that belongs to a later bucket is swapped into place.
    while (next[b] < start[b + 1]) {
      Record r = first[next[b]];
      for (size_t d = digit(r); d != b; d = digit(r)) std::swap(r, first[next[d]++]);
      first[next[b]++] = r;
    }
  }
  for (size_t b = 0; b < 256; ++b)
    if (count[b] > 1) RadixSort(first + start[b], first + start[b + 1], byte + 1, base);
}

void ExternalSorter::SortBuffer() {
  const char* base = arena_.data();
  slices_.clear();
  if (algorithm_ == SortAlgorithm::kSimple) {
    std::sort(records_.begin(), records_.end(), [base](const Record& a, const Record& b) {
      return PairLess({base + a.offset, a.key_size}, {base + a.offset + a.key_size, a.value_size},
                      {base + b.offset, b.key_size}, {base + b.offset + b.key_size, b.value_size});
    });
    slices_.push_back({0, records_.size()});
    return;
  }
  const size_t n = records_.size();
  const unsigned threads =
      n < kParallelSortMin ? 1 : std::clamp(std::thread::hardware_concurrency(), 1u, kMaxSortThreads);
  for (unsigned t = 0; t < threads; ++t) slices_.push_back({n * t / threads, n * (t + 1) / threads});
  auto sort_slice = [this, base](Slice s) {
    RadixSort(records_.data() + s.begin, records_.data() + s.end, 0, base);
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(sort_slice, slices_[t]);
  sort_slice(slices_[0]);
  for (std::thread& t : pool) t.join();
}

absl::Status ExternalSorter::EmitBuffer(const PairSink& sink) {
  SortBuffer();
  const char* base = arena_.data();
  // Merges the sorted slices: one for kSimple, a handful for kFast, so a linear scan of the heads.
  std::vector<Slice> heads = slices_;
  for (;;) {
    size_t best = heads.size();
    for (size_t i = 0; i < heads.size(); ++i) {
      if (heads[i].begin == heads[i].end) continue;
      if (best == heads.size() ||
          PrefixLess(base, records_[heads[i].begin], records_[heads[best].begin])) {
        best = i;
      }
    }
    if (best == heads.size()) break;
    // The index is in order but the arena it points into is not: fetch the bytes of the
    // record this head emits a few steps from now, so that copy finds them in cache.
    if (heads[best].begin + kPrefetchAhead < heads[best].end)
      __builtin_prefetch(base + records_[heads[best].begin + kPrefetchAhead].offset);
    const Record& r = records_[heads[best].begin++];
    absl::Status s = sink({base + r.offset, r.key_size}, {base + r.offset + r.key_size, r.value_size});
    if (!s.ok()) return s;
  }
  records_.clear();
  arena_.clear();
  // A record larger than the budget grew the arena; give that memory back.
  if (arena_.capacity() > budget_) std::string().swap(arena_);
  return absl::OkStatus();
}

absl::Status ExternalSorter::SpillBuffer() {
  const std::string path = NewRunPath();
  absl::StatusOr<std::unique_ptr<FramedWriter>> w = FramedWriter::Create(path);
  if (!w.ok()) return w.status();
  runs_.push_back(path);
  ++runs_spilled_;
  absl::Status s = EmitBuffer(
      [&w](std::string_view k, std::string_view v) { return (*w)->Add(k, v); });
  if (!s.ok()) return s;
  return (*w)->Close();
}

absl::Status ExternalSorter::Merge(const std::vector<std::string>& runs, const PairSink& sink) {
  struct Cursor {
    std::unique_ptr<FramedReader> reader;
    std::string key, value;
  };
  // The read buffers of a merge share a quarter of the budget, so a merge of many runs needs no
  // more memory than the sort of one buffer did (peak memory stays flat as the input grows).
  const size_t buffer = std::clamp<uint64_t>(budget_ / 4 / (runs.size() + 1), 16 << 10, 1 << 20);
  std::vector<Cursor> cursors(runs.size());
  auto greater = [&cursors](size_t a, size_t b) {
    return PairLess(cursors[b].key, cursors[b].value, cursors[a].key, cursors[a].value);
  };
  std::priority_queue<size_t, std::vector<size_t>, decltype(greater)> heap(greater);
  for (size_t i = 0; i < runs.size(); ++i) {
    absl::StatusOr<std::unique_ptr<FramedReader>> r = FramedReader::Open(runs[i], buffer);
    if (!r.ok()) return r.status();
    cursors[i].reader = std::move(*r);
    absl::StatusOr<bool> more = cursors[i].reader->Next(&cursors[i].key, &cursors[i].value);
    if (!more.ok()) return more.status();
    if (*more) heap.push(i);
  }
  while (!heap.empty()) {
    const size_t i = heap.top();
    heap.pop();
    if (absl::Status s = sink(cursors[i].key, cursors[i].value); !s.ok()) return s;
    absl::StatusOr<bool> more = cursors[i].reader->Next(&cursors[i].key, &cursors[i].value);
    if (!more.ok()) return more.status();
    if (*more) heap.push(i);
  }
  return absl::OkStatus();
}

absl::Status ExternalSorter::Finish(const PairSink& sink) {
  if (runs_.empty()) return EmitBuffer(sink);
  if (!records_.empty()) {
    if (absl::Status s = SpillBuffer(); !s.ok()) return s;
  }
  std::string().swap(arena_);
  std::vector<Record>().swap(records_);
  // Intermediate passes keep every merge within kMaxFanIn open files.
  while (runs_.size() > kMaxFanIn) {
    std::vector<std::string> group(runs_.begin(), runs_.begin() + kMaxFanIn);
    const std::string path = NewRunPath();
    absl::StatusOr<std::unique_ptr<FramedWriter>> w = FramedWriter::Create(path);
    if (!w.ok()) return w.status();
    runs_.push_back(path);
    absl::Status s =
        Merge(group, [&w](std::string_view k, std::string_view v) { return (*w)->Add(k, v); });
    if (s.ok()) s = (*w)->Close();
    if (!s.ok()) return s;
    for (const std::string& run : group) std::remove(run.c_str());
    runs_.erase(runs_.begin(), runs_.begin() + kMaxFanIn);
  }
  absl::Status s = Merge(runs_, sink);
  for (const std::string& run : runs_) std::remove(run.c_str());
  runs_.clear();
  return s;
}

}  // namespace dxt::executor
