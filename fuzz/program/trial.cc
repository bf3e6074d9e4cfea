// Features are hashed small tuples; a conversation is interesting when one of its features was
// never seen before. They are chosen to be properties of the program's answer that a conforming
// program keeps stable and a defect changes: the shape of each list relative to its pair, the
// normalised text of each stderr line, the exit, and a coarse timing class (only a reply slower
// than a quarter of the deadline counts — 500 ms by default — so that scheduling noise on a busy
// machine does not make the search depend on the wall clock).
#include "fuzz/program/trial.h"

#include <algorithm>
#include <bit>
#include <set>

#include "absl/strings/str_cat.h"
#include "conformance/trickle_io.h"
#include "harness/forwarding_io.h"
#include "judge/content.h"

namespace dxt::progfuzz {
namespace {

using harness::Mode;

uint64_t Mix(uint64_t h, uint64_t v) {
  h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  return h * 0xff51afd7ed558ccdULL;
}
uint64_t Feature(std::initializer_list<uint64_t> parts) {
  uint64_t h = 0x51ed270b27a4f3c1ULL;
  for (uint64_t p : parts) h = Mix(h, p);
  return h;
}
uint64_t SizeClass(size_t n) { return n == 0 ? 0 : 1 + std::bit_width(n); }
uint64_t HashBytes(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : s) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  return h;
}

// A stderr line with its digits folded and cut, so that "read 17 pairs" and "read 18 pairs" are
// one line.
uint64_t LineFeature(const codec::LogLine& line) {
  std::string norm;
  for (char c : line.raw.substr(0, 48)) {
    if (c >= '0' && c <= '9') {
      if (norm.empty() || norm.back() != '#') norm.push_back('#');
    } else {
      norm.push_back(c);
    }
  }
  return Feature({1, static_cast<uint64_t>(line.kind), HashBytes(norm)});
}

// The exchange as it went over the pipes: stdin as far as the pipe took it (the destructor cuts
// what was queued but never written), stdout and stderr as they arrived.
class RecordingIo : public harness::ForwardingProcessIo {
 public:
  RecordingIo(std::unique_ptr<harness::ProcessIo> inner, RawExchange* raw)
      : ForwardingProcessIo(std::move(inner)), raw_(raw) {}
  ~RecordingIo() override { raw_->stdin_bytes.resize(written_); }

  void QueueInput(std::string_view bytes) override {
    if (!inner().input_closed()) raw_->stdin_bytes.append(bytes);
    inner().QueueInput(bytes);
  }
  absl::Status Pump(harness::Clock::time_point deadline, harness::PumpEvents* ev) override {
    absl::Status s = inner().Pump(deadline, ev);
    raw_->stdout_bytes.append(ev->out);
    raw_->stderr_bytes.append(ev->err);
    written_ += ev->in_written;
    return s;
  }

 private:
  RawExchange* raw_;
  uint64_t written_ = 0;
};

judge::RunOptions RunOptionsOf(const harness::ProgramSpec& program, const TrialConfig& config) {
  judge::RunOptions o;
  o.program = program;
  o.timeout = config.timeout;
  o.max_item_size = config.max_item_size;
  o.isolation = config.isolation;
  return o;
}

struct Judged {
  harness::Transcript transcript;
  std::vector<judge::CheckResult> checks;
  std::vector<uint64_t> features;
};

// Runs `c` as `as_case` through the harness and judges it.
absl::StatusOr<Judged> RunAndJudge(const Conversation& conv, const judge::Case& c,
                                   const harness::ProgramSpec& program, const TrialConfig& config,
                                   RawExchange* raw, bool keep_output = false) {
  harness::DriverOptions o = judge::CheckDriverOptions(c, RunOptionsOf(program, config));
  o.settle = config.settle;
  o.keep_transcript = false;
  // The output expectation is compared as the output streams (judge/content.h); the transcript
  // keeps the output only for a differential run, whose output becomes the expectation.
  o.keep_output_pairs = keep_output ? 100000 : 0;
  harness::ProcessFactory spawn = raw ? RecordingFactory(raw) : nullptr;
  if (conv.delivery == Delivery::kChunked) {
    conformance::Chunking chunking;
    chunking.min_chunk = 1;
    chunking.max_chunk = 1 + conv.chunk_seed % (conv.InputBytes() < (16 << 10) ? 37 : 4096);
    chunking.seed = conv.chunk_seed;
    o.spawn = conformance::TrickleFactory(chunking, spawn);
  } else {
    o.spawn = spawn;
  }
  Judged j;
  std::set<uint64_t> features;
  const bool map = c.mode == Mode::kMap;
  std::unique_ptr<judge::OutputComparer> comparer;
  if (c.expect.output) {
    absl::StatusOr<std::unique_ptr<judge::OutputComparer>> made =
        judge::OutputComparer::Create(c.expect);
    if (!made.ok()) return made.status();
    comparer = std::move(*made);
  }
  harness::ListSink on_list = [&](uint64_t index, std::span<const codec::PairView> pairs) {
    features.insert(Feature({2, std::min<uint64_t>(pairs.size(), 9)}));
    for (const auto& p : pairs) {
      uint64_t rel = 0;
      if (map && index < c.input.size()) {
        const auto& in = c.input[index];
        rel = (p.key == in.first) | (p.value == in.second) << 1 | (p.key == in.second) << 2 |
              (p.value == in.first) << 3;
      }
      features.insert(Feature({3, SizeClass(p.key.size()), SizeClass(p.value.size()), rel}));
    }
    return comparer ? comparer->Add(index, pairs) : absl::OkStatus();
  };
  harness::LogSink on_log = [&](const codec::LogLine& line) {
    features.insert(LineFeature(line));
  };
  size_t next = 0;
  harness::PairSource source = [&]() -> absl::StatusOr<std::optional<codec::PairView>> {
    if (next == c.input.size()) return std::nullopt;
    const auto& p = c.input[next++];
    return codec::PairView{p.first, p.second};
  };
  auto t = harness::RunRecorded(c.mode, program, judge::ParamBlockOf(c), source, on_list,
                                on_log, o);
  if (!t.ok()) return t.status();
  j.transcript = std::move(*t);
  std::optional<judge::ContentEvidence> evidence;
  if (comparer) {
    absl::StatusOr<judge::ContentEvidence> ev = comparer->Finish();
    if (!ev.ok()) return ev.status();
    evidence = std::move(*ev);
  }
  j.checks = judge::JudgeCase(c, j.transcript, evidence ? &*evidence : nullptr);
  const harness::Transcript& tr = j.transcript;
  features.insert(Feature({4, tr.exit.exited, static_cast<uint64_t>(tr.exit.exit_code),
                           static_cast<uint64_t>(tr.exit.term_signal)}));
  for (const auto& r : j.checks)
    if (r.verdict != judge::Verdict::kOk && r.verdict != judge::Verdict::kSkipped)
      features.insert(Feature({5, HashBytes(r.check), HashBytes(r.rule)}));
  double slowest = 0;
  for (size_t i = 0; i < tr.lists.size() && i < tr.pairs.size(); ++i)
    if (tr.lists[i].complete_at)
      slowest = std::max(slowest, (*tr.lists[i].complete_at - tr.pairs[i].queued_at).count());
  const double quarter = config.timeout.count() / 4.0;
  features.insert(Feature({6, slowest < quarter ? 0u : slowest < 2 * quarter ? 1u : 2u}));
  j.features.assign(features.begin(), features.end());
  return j;
}

std::vector<judge::CheckResult> FailedOf(const std::vector<judge::CheckResult>& checks) {
  std::vector<judge::CheckResult> out;
  for (const auto& r : checks)
    if (r.verdict == judge::Verdict::kFailed) out.push_back(r);
  return out;
}

}  // namespace

harness::ProcessFactory RecordingFactory(RawExchange* raw, harness::ProcessFactory inner) {
  return [raw, inner](const harness::LaunchSpec& spec)
             -> absl::StatusOr<std::unique_ptr<harness::ProcessIo>> {
    auto io = inner ? inner(spec) : harness::SpawnProcess(spec);
    if (!io.ok()) return io.status();
    return std::unique_ptr<harness::ProcessIo>(new RecordingIo(std::move(*io), raw));
  };
}

judge::Case CaseOf(const Conversation& c, const TrialConfig& config) {
  judge::Case out;
  out.id = "fuzz";
  out.mode = c.mode;
  out.params = c.params;
  for (const auto& entry : config.extra_params) {
    auto it = std::find_if(out.params.begin(), out.params.end(),
                           [&](const auto& kv) { return kv.first == entry.first; });
    if (it != out.params.end()) it->second = entry.second;
    else out.params.push_back(entry);
  }
  out.input = c.pairs;
  out.delivery = c.delivery == Delivery::kPipeline ? judge::Delivery::kPipeline
                                                   : judge::Delivery::kLockstep;
  if (config.oracle == Oracle::kIdentity) out.expect.output = c.pairs;
  return out;
}

absl::StatusOr<TrialResult> RunTrial(const Conversation& conv, const TrialConfig& config,
                                     bool record_raw) {
  TrialResult r;
  r.as_case = CaseOf(conv, config);
  if (config.oracle == Oracle::kDifferential) {
    judge::Case other = r.as_case;
    other.expect.output.reset();
    auto j = RunAndJudge(conv, other, config.against, config, nullptr, /*keep_output=*/true);
    if (!j.ok()) return j.status();
    r.against_failed = !FailedOf(j->checks).empty() || j->transcript.output_truncated;
    if (!r.against_failed) {
      r.as_case.expect.output = j->transcript.output;
      r.as_case.expect.multiset = conv.mode == Mode::kReduce && !config.exact_order;
    }
  }
  if (record_raw) r.raw.emplace();
  auto start = harness::Clock::now();
  auto j = RunAndJudge(conv, r.as_case, config.program, config, record_raw ? &*r.raw : nullptr);
  if (!j.ok()) return j.status();
  r.duration_ms =
      std::chrono::duration<double, std::milli>(harness::Clock::now() - start).count();
  r.failed = FailedOf(j->checks);
  r.features = std::move(j->features);
  r.pairs_sent = j->transcript.pairs_queued;
  return r;
}

absl::StatusOr<TrialResult> ReplayCase(const judge::Case& c, const judge::RunOptions& options) {
  TrialResult r;
  r.as_case = c;
  r.raw.emplace();
  judge::RunOptions o = options;
  o.spawn = RecordingFactory(&*r.raw, options.spawn);
  auto result = judge::RunCase(c, o);
  if (!result.ok()) return result.status();
  r.failed = FailedOf(result->checks);
  r.duration_ms = result->duration_ms;
  r.pairs_sent = c.input.size();
  return r;
}

}  // namespace dxt::progfuzz
