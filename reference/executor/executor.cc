// Why the executor is shaped this way:
//  - Intermediate data always goes through framed files named by (map task, partition), and
//    reduce tasks read them in map-task order. The output therefore never depends on which task
//    finished first, whatever --jobs is.
//  - Sorted (or shuffled) reduce input is materialised into one framed file before an external
//    reduce starts (the program is fed from a pull-style stream); a built-in reduce consumes the
//    sorter's merge directly, which saves writing and reading the whole partition once more.
//  - A job whose map stage has nothing to do (no map or nop_map, one partition, no range
//    partition, no combiner) and whose built-in reduce sorts (or shuffles) its input skips the
//    map phase: its one reduce task feeds the sorter from the inputs themselves, in input order,
//    which is what the one intermediate file would have held (a write and a read of every pair
//    fewer). Counts, status lines (all "mapped" before any "reduced") and input errors are still
//    the map tasks'.
//  - Errors are collected per task and the lowest-numbered real failure is reported, so the
//    message is deterministic too.
#include "reference/executor/executor.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "codec/kv_frame.h"
#include "judge/task.h"
#include "reference/executor/absl_compat.h"
#include "reference/executor/external_sort.h"
#include "reference/executor/framed_file.h"
#include "reference/executor/input.h"
#include "reference/executor/partition.h"

namespace dxt::executor {
namespace {

namespace fs = std::filesystem;

uint64_t SplitMix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::string BigEndian64(uint64_t v) {
  std::string s(8, '\0');
  for (int i = 7; i >= 0; --i, v >>= 8) s[i] = static_cast<char>(v & 0xff);
  return s;
}

// How a task that ran an external program ended: an error of ours (input, partitioning, output)
// first, then a harness error, then the program's own failure with its first **<ERR> text.
// The program's failure is what the one judge (judge/task.h) says, as for `dxt check`.
absl::Status ProgramTaskStatus(const absl::Status& own_error,
                               const absl::StatusOr<harness::Transcript>& r,
                               const std::string& first_err, bool strict_stderr) {
  if (!own_error.ok()) return own_error;
  if (!r.ok()) return r.status();
  absl::Status s = judge::JudgeTask(*r, strict_stderr).status;
  if (!s.ok() && !first_err.empty()) {
    s = absl::Status(s.code(), absl::StrCat(s.message(), " (first **<ERR>: ", first_err, ")"));
  }
  return s;
}

// Program text and input labels, escaped like dxt check's excerpts (printable ASCII as is,
// everything else \n, \xHH, ...): an ESC, OSC or C1 byte must not reach the terminal raw, and
// every message stays one line.
std::string Printable(std::string_view bytes) { return absl::CHexEscape(Av(bytes)); }

// A failed task is never a usage error: FailedPrecondition (the harness's code for a protocol
// violation) would make `dxt run` exit 2, the code RunJob reserves for usage.
absl::Status Annotate(const absl::Status& s, const std::string& task) {
  const absl::StatusCode code =
      absl::IsFailedPrecondition(s) ? absl::StatusCode::kAborted : s.code();
  return absl::Status(code, absl::StrCat(task, " failed: ", s.message()));
}

// Reads several framed files one after another, as one stream.
class ConcatReader {
 public:
  explicit ConcatReader(std::vector<std::string> files) : files_(std::move(files)) {}
  absl::StatusOr<bool> Next(std::string* key, std::string* value) {
    while (true) {
      if (!current_) {
        if (next_ == files_.size()) return false;
        absl::StatusOr<std::unique_ptr<FramedReader>> r = FramedReader::Open(files_[next_++]);
        if (!r.ok()) return r.status();
        current_ = std::move(*r);
      }
      absl::StatusOr<bool> more = current_->Next(key, value);
      if (!more.ok() || *more) return more;
      current_.reset();
    }
  }

 private:
  std::vector<std::string> files_;
  size_t next_ = 0;
  std::unique_ptr<FramedReader> current_;
};

class JobRunner {
 public:
  JobRunner(const JobSpec& job, const RunOptions& options)
      : job_(job), options_(options), num_parts_(job.partitions.value_or(1)) {
    options_.driver.pipeline = options.pipeline;
    // A lockstep map is one round trip per entry: on one core they are cheapest.
    options_.driver.colocate = !options.pipeline;
    options_.driver.detect_list_before_read = false;
  }
  absl::StatusOr<JobResult> Run();

 private:
  using Task = std::function<absl::Status(size_t)>;
  absl::Status RunTasks(size_t n, const Task& task);
  absl::Status MapTask(size_t i);
  absl::Status ReduceTask(size_t p);
  absl::Status RunExternalMap(const std::string& label, EntryReader& reader, const PairSink& emit,
                              uint64_t* count);
  absl::Status PrepareReduceInput(uint32_t p, std::vector<std::string>* files);
  bool ReadsInputsInReduce() const;
  absl::Status ForEachReduceInput(const std::vector<std::string>& files, const PairSink& each);
  absl::Status ForEachInputPair(const PairSink& each);
  std::string MapLabel(size_t i) const;
  std::string MapTaskName(size_t i) const;
  bool SortsReduceInput() const;
  absl::Status SortReduceInput(uint32_t p, const std::vector<std::string>& files,
                               const PairSink& sink);
  absl::Status RunExternalReduce(const std::string& label, ConcatReader& input,
                                 FramedWriter& out, uint64_t* count);
  harness::LogSink TaskLog(const std::string& label, std::string* first_err);
  std::vector<std::string> NeededPaths() const;
  absl::StatusOr<uint32_t> PartitionOf(std::string_view key, DefaultPartitioner& by_hash) const;
  void Status(const std::string& label, uint64_t i, const char* what, bool done);
  std::string Intermediate(size_t map, uint32_t part) const {
    return absl::StrCat(work_dir_, "/map-", map, "-", part);
  }
  void Log(const std::string& line) {
    std::lock_guard<std::mutex> lock(log_mu_);
    if (options_.log) options_.log(line);
  }
  harness::ProgramSpec Spec(const Stage& stage) const {
    return harness::ProgramSpec{stage.program, stage.args, stage.files, {}};
  }

  const JobSpec& job_;
  RunOptions options_;
  const uint32_t num_parts_;
  bool direct_map_output_ = false;  // map-only with partitions null: map i writes part-i
  bool reads_inputs_ = false;       // ReadsInputsInReduce(): no map phase
  bool input_failed_ = false;       // reads_inputs_: the reduce's error is a map task's
  std::string out_dir_, work_dir_;
  std::vector<OutputFile> outputs_;  // one slot per output file, filled by its task
  std::atomic<bool> cancel_{false};
  std::atomic<uint64_t> map_entries_{0}, reduce_entries_{0};
  std::mutex log_mu_;
};

absl::Status JobRunner::RunTasks(size_t n, const Task& task) {
  std::vector<absl::Status> results(n);
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i; !cancel_ && (i = next++) < n;) {
      results[i] = task(i);
      if (!results[i].ok()) cancel_ = true;
    }
  };
  unsigned threads = options_.jobs ? options_.jobs : std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<size_t>(threads, n));
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker);
  if (threads > 0) worker();
  for (std::thread& t : pool) t.join();
  // Report the lowest-numbered real failure; cancellations are consequences of it.
  for (const absl::Status& s : results) {
    if (!s.ok() && !absl::IsCancelled(s)) return s;
  }
  for (const absl::Status& s : results) {
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

void JobRunner::Status(const std::string& label, uint64_t i, const char* what, bool done) {
  const uint64_t every = job_.status_interval;
  if (every == 0) return;
  if (done) {
    Log(absl::StrCat("[", label, "] Done: ", i, " entries ", what));
  } else if (i % every == 0) {
    Log(absl::StrCat("[", label, "] ", i, " entries ", what));
  }
}

// Program text reaches the terminal through Printable.
harness::LogSink JobRunner::TaskLog(const std::string& label, std::string* first_err) {
  return [this, label, first_err](const codec::LogLine& line) {
    const std::string text = Printable(line.text);
    switch (line.kind) {
      case codec::LogKind::kMsg:
        Log(absl::StrCat("[", label, "] ", text));
        break;
      case codec::LogKind::kErr:
        if (first_err->empty()) *first_err = text;
        Log(absl::StrCat("[", label, "] ERR: ", text));
        break;
      case codec::LogKind::kOther:
        // Disco forwards such a line and the task goes on (external.py parse_message).
        Log(absl::StrCat("[", label, "] warning: stderr line without **<MSG>/**<ERR> prefix (R7.1",
                         options_.strict_stderr ? "; fails the task under --strict" : "; ignored, as Disco",
                         "): ", Printable(line.raw)));
        break;
      default:
        Log(absl::StrCat("[", label, "] warning: stderr line without a final newline (R7.3): ",
                         Printable(line.raw)));
    }
  };
}

absl::StatusOr<uint32_t> JobRunner::PartitionOf(std::string_view key,
                                                 DefaultPartitioner& by_hash) const {
  if (!job_.partitions) return 0;
  if (job_.range) return RangePartitionOf(key, job_.range->min, job_.range->max, num_parts_);
  return by_hash.Of(key);
}

absl::Status JobRunner::RunExternalMap(const std::string& label, EntryReader& reader,
                                       const PairSink& emit, uint64_t* count) {
  std::string key, value, first_err;
  absl::Status own_error;  // an error of ours (input, partitioning), not the program's
  harness::PairSource source = [&]() -> absl::StatusOr<std::optional<codec::PairView>> {
    if (cancel_) return absl::CancelledError("job cancelled");
    absl::StatusOr<bool> more = reader.Next(&key, &value);
    if (!more.ok()) own_error = more.status();
    if (!more.ok()) return more.status();
    if (!*more) return std::nullopt;
    Status(label, ++*count, "mapped", false);
    return codec::PairView{key, value};
  };
  harness::ListSink on_list = [&](uint64_t, std::span<const codec::PairView> pairs) {
    for (const codec::PairView& p : pairs) {
      if (absl::Status s = emit(p.key, p.value); !s.ok()) return own_error = s;
    }
    return absl::OkStatus();
  };
  absl::StatusOr<harness::Transcript> r = harness::RunRecorded(
      harness::Mode::kMap, Spec(job_.map), job_.param_block, source, on_list, TaskLog(label, &first_err),
      options_.driver);
  return ProgramTaskStatus(own_error, r, first_err, options_.strict_stderr);
}

std::string JobRunner::MapLabel(size_t i) const {
  return absl::StrCat("map:", i, " input=", Printable(job_.inputs[i].spec));
}

std::string JobRunner::MapTaskName(size_t i) const {
  return absl::StrCat("map task ", i, " (input ", Printable(job_.inputs[i].spec), ", ",
                      job_.map.present() ? job_.map.Name() : "no map", ")");
}

absl::Status JobRunner::MapTask(size_t i) {
  const JobInput& input = job_.inputs[i];
  const std::string label = MapLabel(i);
  const std::string task = MapTaskName(i);
  absl::StatusOr<std::unique_ptr<EntryReader>> reader = EntryReader::Open(input, job_.reader);
  if (!reader.ok()) return Annotate(reader.status(), task);

  std::vector<std::unique_ptr<FramedWriter>> writers(num_parts_);
  // The combiner (R9.2) sums per key within the key's partition; it asks for a key's partition
  // once, the first time it sees the key.
  SumAccumulator combiner(num_parts_);
  auto writer = [&](uint32_t p) -> absl::StatusOr<FramedWriter*> {
    if (!writers[p]) {
      const std::string path = direct_map_output_ ? absl::StrCat(out_dir_, "/", PartFileName(i))
                                                  : Intermediate(i, p);
      absl::StatusOr<std::unique_ptr<FramedWriter>> w = FramedWriter::Create(
          path, direct_map_output_, direct_map_output_ && job_.output_format == PartFormat::kDisco);
      if (!w.ok()) return w.status();
      writers[p] = std::move(*w);
    }
    return writers[p].get();
  };
  // Partition by the map's key first; the combiner then works inside that partition (R9.2).
  DefaultPartitioner by_hash(num_parts_);
  auto partition_of = [&](std::string_view key) { return PartitionOf(key, by_hash); };
  PairSink emit = [&](std::string_view key, std::string_view value) -> absl::Status {
    if (job_.sum_combiner) return combiner.Add(key, value, partition_of);
    absl::StatusOr<uint32_t> p = partition_of(key);
    if (!p.ok()) return p.status();
    absl::StatusOr<FramedWriter*> w = writer(*p);
    return w.ok() ? (*w)->Add(key, value) : w.status();
  };

  uint64_t count = 0;
  absl::Status s;
  if (job_.map.builtin == Stage::Builtin::kNone && job_.map.present()) {
    s = RunExternalMap(label, **reader, emit, &count);
  } else {
    std::string key, value;
    while (s.ok()) {
      if (cancel_) return absl::CancelledError("job cancelled");
      absl::StatusOr<bool> more = (*reader)->Next(&key, &value);
      if (!more.ok() || !*more) {
        s = more.status();
        break;
      }
      Status(label, ++count, "mapped", false);
      s = emit(key, value);
    }
  }
  // The combiner's last call, done=true, once per partition.
  for (uint32_t p = 0; s.ok() && job_.sum_combiner && p < num_parts_; ++p) {
    s = combiner.Drain(p, [&](std::string_view k, std::string_view v) -> absl::Status {
      absl::StatusOr<FramedWriter*> w = writer(p);
      return w.ok() ? (*w)->Add(k, v) : w.status();
    });
  }
  if (s.ok() && direct_map_output_) s = writer(0).status();  // an empty map still has its file
  for (auto& w : writers) {
    if (s.ok() && w) s = w->Close();
  }
  if (!s.ok()) return absl::IsCancelled(s) ? s : Annotate(s, task);
  map_entries_ += count;
  Status(label, count, "mapped", true);
  if (direct_map_output_) {
    outputs_[i] = OutputFile{PartFileName(i), std::nullopt, static_cast<uint32_t>(i),
                             writers[0]->pairs(), writers[0]->bytes(), writers[0]->sha256_hex()};
  }
  return absl::OkStatus();
}

// Whether the map phase has nothing to do: every input pair would go, unchanged, into the one
// intermediate file of partition 0, which a built-in reduce then reads back into its sorter.
bool JobRunner::ReadsInputsInReduce() const {
  const bool identity_map = !job_.map.present() || job_.map.builtin == Stage::Builtin::kNopMap;
  return identity_map && job_.reduce.builtin != Stage::Builtin::kNone && SortsReduceInput() &&
         job_.partitions && num_parts_ == 1 && !job_.range && !job_.sum_combiner;
}

// Every pair of the job's inputs, in input order, as the map tasks would have read them: their
// status lines, their counts, their errors (named by map task; input_failed_ set).
absl::Status JobRunner::ForEachInputPair(const PairSink& each) {
  std::string key, value;
  for (size_t i = 0; i < job_.inputs.size(); ++i) {
    const std::string label = MapLabel(i);
    absl::StatusOr<std::unique_ptr<EntryReader>> reader = EntryReader::Open(job_.inputs[i], job_.reader);
    if (!reader.ok()) {
      input_failed_ = true;
      return Annotate(reader.status(), MapTaskName(i));
    }
    uint64_t count = 0;
    for (;;) {
      if (cancel_) return absl::CancelledError("job cancelled");
      absl::StatusOr<bool> more = (*reader)->Next(&key, &value);
      if (!more.ok()) {
        input_failed_ = true;
        return Annotate(more.status(), MapTaskName(i));
      }
      if (!*more) break;
      Status(label, ++count, "mapped", false);
      if (absl::Status s = each(key, value); !s.ok()) return s;
    }
    map_entries_ += count;
    Status(label, count, "mapped", true);
  }
  return absl::OkStatus();
}

// The reduce input of a partition in map order: its intermediate files, or the inputs themselves.
absl::Status JobRunner::ForEachReduceInput(const std::vector<std::string>& files,
                                           const PairSink& each) {
  if (reads_inputs_) return ForEachInputPair(each);
  ConcatReader in(files);
  std::string key, value;
  for (;;) {
    if (cancel_) return absl::CancelledError("job cancelled");
    absl::StatusOr<bool> more = in.Next(&key, &value);
    if (!more.ok() || !*more) return more.status();
    if (absl::Status s = each(key, value); !s.ok()) return s;
  }
}

// Whether the reduce of a partition reads its input sorted or shuffled rather than in map order.
bool JobRunner::SortsReduceInput() const {
  return job_.reduce.present() && (job_.sort || options_.shuffle_seed.has_value());
}

absl::Status JobRunner::PrepareReduceInput(uint32_t p, std::vector<std::string>* files) {
  std::error_code ec;
  for (size_t i = 0; i < job_.inputs.size(); ++i) {
    if (fs::exists(Intermediate(i, p), ec)) files->push_back(Intermediate(i, p));
  }
  // An external reduce reads its sorted input from one framed file; a built-in one takes the
  // merge directly (SortReduceInput called from ReduceTask), a write and a read fewer.
  if (!SortsReduceInput() || job_.reduce.builtin != Stage::Builtin::kNone) return absl::OkStatus();
  const std::string sorted = absl::StrCat(work_dir_, "/reduce-input-", p);
  absl::StatusOr<std::unique_ptr<FramedWriter>> w = FramedWriter::Create(sorted);
  if (!w.ok()) return w.status();
  absl::Status s = SortReduceInput(
      p, *files, [&w](std::string_view k, std::string_view v) { return (*w)->Add(k, v); });
  if (s.ok()) s = (*w)->Close();
  files->assign(1, sorted);
  return s;
}

// Sorts (or shuffles) the intermediate files of partition `p` into `sink`, deleting them once read.
absl::Status JobRunner::SortReduceInput(uint32_t p, const std::vector<std::string>& files,
                                        const PairSink& sink) {
  // Shuffle tags the pairs with a per-seed pseudo-random 64-bit number: alone it orders everything
  // at random; with sort it only reorders equal keys (the tag precedes the value).
  const bool shuffle = options_.shuffle_seed.has_value();
  const uint64_t seed = SplitMix64(options_.shuffle_seed.value_or(0) ^ SplitMix64(p));
  ExternalSorter sorter(absl::StrCat(work_dir_, "/sort-", p, "-"), job_.sort_buffer_bytes);
  std::string framed;
  uint64_t n = 0;
  absl::Status added = ForEachReduceInput(files, [&](std::string_view key, std::string_view value) {
    if (!shuffle) return sorter.Add(key, value);
    std::string tag = BigEndian64(SplitMix64(seed ^ n++));
    if (job_.sort) return sorter.Add(key, tag.append(value));
    framed.clear();
    absl::Status s = codec::AppendPair(&framed, key, value);
    return s.ok() ? sorter.Add(tag, framed) : s;
  });
  if (!added.ok()) return added;
  std::error_code ec;
  for (const std::string& f : files) fs::remove(f, ec);  // consumed; frees disk early
  return sorter.Finish([&](std::string_view k, std::string_view v) -> absl::Status {
    if (!shuffle) return sink(k, v);
    if (job_.sort) return sink(k, v.substr(8));
    codec::Decoded<codec::PairView> d = codec::DecodePair(v);
    return sink(d.value.key, d.value.value);
  });
}

absl::Status JobRunner::RunExternalReduce(const std::string& label, ConcatReader& input,
                                          FramedWriter& out, uint64_t* count) {
  std::string key, value, first_err;
  absl::Status own_error;
  harness::PairSource source = [&]() -> absl::StatusOr<std::optional<codec::PairView>> {
    if (cancel_) return absl::CancelledError("job cancelled");
    absl::StatusOr<bool> more = input.Next(&key, &value);
    if (!more.ok()) own_error = more.status();
    if (!more.ok()) return more.status();
    if (!*more) return std::nullopt;
    Status(label, ++*count, "reduced", false);
    return codec::PairView{key, value};
  };
  harness::ListSink on_list = [&](uint64_t, std::span<const codec::PairView> pairs) {
    for (const codec::PairView& p : pairs) {
      if (absl::Status s = out.Add(p.key, p.value); !s.ok()) return own_error = s;
    }
    return absl::OkStatus();
  };
  absl::StatusOr<harness::Transcript> r = harness::RunRecorded(
      harness::Mode::kReduce, Spec(job_.reduce), job_.param_block, source, on_list, TaskLog(label, &first_err),
      options_.driver);
  return ProgramTaskStatus(own_error, r, first_err, options_.strict_stderr);
}

absl::Status JobRunner::ReduceTask(size_t index) {
  const uint32_t p = static_cast<uint32_t>(index);
  const Stage& reduce = job_.reduce;
  const std::string label = absl::StrCat(reduce.present() ? "reduce:" : "collect:", p);
  const std::string task = absl::StrCat(reduce.present() ? "reduce task " : "collect task ", p,
                                        " (partition ", p, reduce.present() ? ", " : "",
                                        reduce.Name(), ")");
  std::vector<std::string> files;
  if (absl::Status s = PrepareReduceInput(p, &files); !s.ok()) {
    return absl::IsCancelled(s) ? s : Annotate(s, task);
  }
  absl::StatusOr<std::unique_ptr<FramedWriter>> out =
      FramedWriter::Create(absl::StrCat(out_dir_, "/", PartFileName(p)), /*sha256=*/true,
                           job_.output_format == PartFormat::kDisco);
  if (!out.ok()) return Annotate(out.status(), task);
  ConcatReader input(files);
  uint64_t count = 0;
  absl::Status s;
  if (reduce.present() && reduce.builtin == Stage::Builtin::kNone) {
    s = RunExternalReduce(label, input, **out, &count);
  } else {
    SumAccumulator sums;
    PairSink consume = [&](std::string_view key, std::string_view value) -> absl::Status {
      if (cancel_) return absl::CancelledError("job cancelled");
      if (reduce.present()) Status(label, ++count, "reduced", false);
      return reduce.builtin == Stage::Builtin::kSumReduce ? sums.Add(key, value)
                                                          : (*out)->Add(key, value);
    };
    s = SortsReduceInput() ? SortReduceInput(p, files, consume) : ForEachReduceInput(files, consume);
    if (s.ok()) s = sums.Drain([&](std::string_view k, std::string_view v) { return (*out)->Add(k, v); });
  }
  if (s.ok()) s = (*out)->Close();
  if (!s.ok()) return absl::IsCancelled(s) || input_failed_ ? s : Annotate(s, task);
  if (reduce.present()) Status(label, count, "reduced", true);
  reduce_entries_ += count;
  outputs_[p] = OutputFile{PartFileName(p), job_.partitions ? std::optional<uint32_t>(p) : std::nullopt,
                           std::nullopt, (*out)->pairs(), (*out)->bytes(), (*out)->sha256_hex()};
  return absl::OkStatus();
}

// Everything the job reads: --force must never delete one of these with an old output.
std::vector<std::string> JobRunner::NeededPaths() const {
  std::vector<std::string> paths;
  if (!job_.job_file.empty()) paths.push_back(job_.job_file);
  for (const JobInput& in : job_.inputs) {
    if (in.kind != JobInput::Kind::kRaw) paths.push_back(in.path);
  }
  for (const Stage* stage : {&job_.map, &job_.reduce}) {
    if (!stage->program.empty()) paths.push_back(stage->program);
    paths.insert(paths.end(), stage->files.begin(), stage->files.end());
  }
  return paths;
}

absl::StatusOr<JobResult> JobRunner::Run() {
  const std::string target = options_.output.empty() ? job_.output : options_.output;
  if (target.empty()) {
    return absl::FailedPreconditionError(
        "no output directory: set \"output\" in the job file or pass --output");
  }
  absl::StatusOr<OutputStaging> staging = OutputStaging::Create(target, options_.force, NeededPaths());
  if (!staging.ok()) return staging.status();
  out_dir_ = staging->dir();
  work_dir_ = out_dir_ + "/.work";
  std::error_code ec;
  if (!fs::create_directory(work_dir_, ec)) {
    return absl::InternalError(absl::StrCat("cannot create ", work_dir_, ": ", ec.message()));
  }
  direct_map_output_ = !job_.reduce.present() && !job_.partitions;
  reads_inputs_ = ReadsInputsInReduce();
  outputs_.resize(direct_map_output_ ? job_.inputs.size() : num_parts_);

  if (!reads_inputs_) {
    if (absl::Status s = RunTasks(job_.inputs.size(), [this](size_t i) { return MapTask(i); });
        !s.ok()) {
      return s;
    }
  }
  if (!direct_map_output_) {
    if (absl::Status s = RunTasks(num_parts_, [this](size_t p) { return ReduceTask(p); }); !s.ok()) {
      return s;
    }
  }
  fs::remove_all(work_dir_, ec);
  JobResult result;
  result.index = OutputIndex{job_.name, job_.partitions, job_.output_format == PartFormat::kDisco, outputs_};
  result.map_entries = map_entries_;
  result.reduce_entries = reduce_entries_;
  const std::string index_path = absl::StrCat(out_dir_, "/", kIndexFileName);
  {
    std::FILE* f = std::fopen(index_path.c_str(), "wb");
    const std::string text = IndexToJson(result.index);
    const bool ok = f != nullptr && std::fwrite(text.data(), 1, text.size(), f) == text.size();
    if (f == nullptr || std::fclose(f) != 0 || !ok) {
      return absl::InternalError(absl::StrCat("cannot write ", index_path));
    }
  }
  if (absl::Status s = staging->Commit(); !s.ok()) return s;
  result.output_dir = fs::absolute(target).lexically_normal().string();
  return result;
}

}  // namespace

absl::StatusOr<JobResult> RunJob(const JobSpec& job, const RunOptions& options) {
  return JobRunner(job, options).Run();
}

}  // namespace dxt::executor
