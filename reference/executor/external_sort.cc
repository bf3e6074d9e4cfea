#include "reference/executor/external_sort.h"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <queue>
#include <utility>

#include "absl/strings/str_cat.h"
#include "reference/executor/framed_file.h"

namespace dxt::executor {

bool PairLess(std::string_view ak, std::string_view av, std::string_view bk, std::string_view bv) {
  // std::char_traits<char> compares as unsigned char, which is the C-locale byte order.
  const int c = ak.compare(bk);
  if (c != 0) return c < 0;
  return av.compare(bv) < 0;
}

ExternalSorter::ExternalSorter(std::string temp_prefix, uint64_t memory_budget)
    : temp_prefix_(std::move(temp_prefix)) {
  const uint64_t budget = std::max(memory_budget, kMinBudget);
  // The index costs 16 bytes a record; short records (wordcount) need about a quarter of the budget.
  record_budget_ = budget / 4 / sizeof(Record);
  arena_budget_ = budget - record_budget_ * sizeof(Record);
}

ExternalSorter::~ExternalSorter() {
  for (const std::string& run : runs_) std::remove(run.c_str());
}

std::string ExternalSorter::NewRunPath() { return absl::StrCat(temp_prefix_, "run-", run_names_++); }

absl::Status ExternalSorter::Add(std::string_view key, std::string_view value) {
  const uint64_t size = key.size() + value.size();
  const bool full = arena_.size() + size > arena_budget_ || records_.size() >= record_budget_;
  if (full && !records_.empty()) {
    if (absl::Status s = SpillBuffer(); !s.ok()) return s;
  }
  if (arena_.capacity() == 0) arena_.reserve(std::max<uint64_t>(arena_budget_, size));
  if (records_.capacity() == 0) records_.reserve(std::min<uint64_t>(record_budget_, 1 << 16));
  records_.push_back(Record{arena_.size(), static_cast<uint32_t>(key.size()),
                            static_cast<uint32_t>(value.size())});
  arena_.append(key);
  arena_.append(value);
  ++pairs_;
  return absl::OkStatus();
}

void ExternalSorter::SortBuffer() {
  const char* base = arena_.data();
  std::sort(records_.begin(), records_.end(), [base](const Record& a, const Record& b) {
    return PairLess({base + a.offset, a.key_size}, {base + a.offset + a.key_size, a.value_size},
                    {base + b.offset, b.key_size}, {base + b.offset + b.key_size, b.value_size});
  });
}

absl::Status ExternalSorter::EmitBuffer(const PairSink& sink) {
  SortBuffer();
  const char* base = arena_.data();
  for (const Record& r : records_) {
    absl::Status s = sink({base + r.offset, r.key_size}, {base + r.offset + r.key_size, r.value_size});
    if (!s.ok()) return s;
  }
  records_.clear();
  arena_.clear();
  // A record larger than the budget grew the arena; give that memory back.
  if (arena_.capacity() > arena_budget_) std::string().swap(arena_);
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
  const uint64_t budget = arena_budget_ + record_budget_ * sizeof(Record);
  const size_t buffer = std::clamp<uint64_t>(budget / 4 / (runs.size() + 1), 16 << 10, 1 << 20);
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
