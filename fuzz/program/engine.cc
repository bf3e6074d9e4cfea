#include "fuzz/program/engine.h"

#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "conformance/diagnose.h"
#include "conformance/runner.h"
#include "harness/lifetime.h"

namespace dxt::progfuzz {
namespace {

using harness::Mode;

constexpr size_t kBatch = 16;        // fixed: the search must not depend on --jobs
constexpr size_t kMaxCorpus = 512;   // per mode
constexpr uint64_t kFreshOneIn = 5;  // otherwise mutate a corpus entry

double SecondsSince(harness::Clock::time_point t) {
  return std::chrono::duration<double>(harness::Clock::now() - t).count();
}

class Search {
 public:
  explicit Search(const FuzzOptions& o)
      : o_(o), search_(o.trial), gen_(o.generator), rng_(o.seed), start_(harness::Clock::now()) {
    search_.timeout = std::min(o.search_timeout, o.trial.timeout);
  }

  absl::StatusOr<FuzzReport> Run(const std::function<void(const Progress&)>& progress) {
    double shrink_s = 0;
    while (!Done()) {
      size_t n = kBatch;
      if (o_.max_conversations)
        n = std::min<uint64_t>(n, o_.max_conversations - report_.conversations);
      std::vector<Conversation> batch;
      for (size_t i = 0; i < n; ++i) batch.push_back(Next(report_.conversations + i));
      std::vector<absl::StatusOr<TrialResult>> results(n, absl::UnknownError("not run"));
      std::vector<size_t> order(n);
      for (size_t i = 0; i < n; ++i) order[i] = i;
      const TrialConfig used = search_;  // the deadline of this batch, whatever Learn changes
      conformance::ParallelFor(order, o_.jobs, nullptr, [&](size_t i) {
        results[i] = RunTrial(batch[i], used, false);
      });
      for (size_t i = 0; i < n && !report_.interrupted && !ReachedMaxFindings(); ++i) {
        if (!results[i].ok()) {
          if (Stopped()) break;
          return results[i].status();
        }
        auto t0 = harness::Clock::now();
        if (auto s = Learn(batch[i], *results[i], used.timeout); !s.ok() && !Stopped()) return s;
        shrink_s += SecondsSince(t0);
      }
      if (progress) progress(Snapshot());
    }
    report_.seconds = SecondsSince(start_);
    report_.search_seconds = report_.seconds - shrink_s;
    report_.corpus = corpus_[0].size() + corpus_[1].size();
    return std::move(report_);
  }

 private:
  // A stop signal: no program starts any more; the search ends with what it has.
  bool Stopped() {
    if (harness::StopRequested()) report_.interrupted = true;
    return report_.interrupted;
  }

  bool ReachedMaxFindings() {
    if (o_.max_findings && report_.findings.size() >= o_.max_findings)
      report_.reached_max_findings = true;
    return report_.reached_max_findings;
  }

  bool Done() {
    if (Stopped() || ReachedMaxFindings()) return true;
    if (o_.max_conversations && report_.conversations >= o_.max_conversations) return true;
    return harness::Clock::now() - start_ >= o_.time_budget;
  }

  Progress Snapshot() const {
    return {SecondsSince(start_), report_.conversations, report_.pairs, report_.findings.size(),
            corpus_[0].size() + corpus_[1].size()};
  }

  Conversation Next(uint64_t index) {
    Mode mode = o_.modes[index % o_.modes.size()];
    auto& corpus = corpus_[mode == Mode::kMap ? 0 : 1];
    if (corpus.empty() || rng_.OneIn(kFreshOneIn)) return gen_.Fresh(rng_, mode);
    // Recent entries more often: they are what the search found last.
    size_t recent = std::min<size_t>(corpus.size(), 32);
    size_t i = rng_.OneIn(2) ? corpus.size() - 1 - rng_.Below(recent) : rng_.Below(corpus.size());
    // ...and of two, the smaller: mutations would otherwise drift towards the byte budget.
    size_t j = rng_.Below(corpus.size());
    if (corpus[j].InputBytes() < corpus[i].InputBytes()) i = j;
    const Conversation& other = corpus[rng_.Below(corpus.size())];
    return gen_.Mutate(rng_, corpus[i], other);
  }

  // `deadline`: the reply and exit deadline `r` was run with.
  absl::Status Learn(const Conversation& c, const TrialResult& r,
                     std::chrono::milliseconds deadline) {
    uint64_t index = report_.conversations++;
    report_.pairs += r.pairs_sent;
    if (c.mode == Mode::kMap) report_.map_pairs += r.pairs_sent;
    if (r.against_failed) ++report_.against_failed;
    bool novel = false;
    for (uint64_t f : r.features) novel |= seen_.insert(f).second;
    if (novel) {
      auto& corpus = corpus_[c.mode == Mode::kMap ? 0 : 1];
      if (corpus.size() < kMaxCorpus) corpus.push_back(c);
      else corpus[rng_.Below(kMaxCorpus)] = c;
    }
    if (r.failed.empty()) return absl::OkStatus();
    // The first FAILED check in the judge's order names the failure; the others of the same
    // conversation are usually its consequences (a reduce that quits early also leaves input
    // unread) and are listed with it, not searched and shrunk on their own.
    const auto& first = r.failed.front();
    FailureKind kind{c.mode, first.check, first.rule};
    auto it = known_.find(kind);
    if (it != known_.end()) {
      ++report_.findings[it->second].hits;
      return absl::OkStatus();
    }
    if (deadline < o_.trial.timeout) {
      auto slow = slow_.find(kind);
      if (slow != slow_.end()) {
        ++report_.slow[slow->second].conversations;
        return absl::OkStatus();
      }
      auto again = RunTrial(c, o_.trial, false);
      if (!again.ok()) return again.status();
      if (!kind.Matches(*again)) {
        // Slow, not broken: from now on the search waits as long as a finding must fail.
        slow_[kind] = report_.slow.size();
        report_.slow.push_back({kind, index, 1});
        search_.timeout = o_.trial.timeout;
        return absl::OkStatus();
      }
    }
    auto finding = Minimise(c, kind, index);
    if (!finding.ok()) return finding.status();
    for (size_t k = 1; k < r.failed.size(); ++k)
      finding->also.push_back(absl::StrCat(r.failed[k].check, " (", r.failed[k].rule, ")"));
    known_[kind] = report_.findings.size();
    report_.findings.push_back(std::move(*finding));
    return absl::OkStatus();
  }

  absl::StatusOr<Finding> Minimise(const Conversation& c, const FailureKind& kind,
                                   uint64_t index) {
    Finding f;
    f.kind = kind;
    f.found_at = index;
    f.found_after_s = SecondsSince(start_);
    f.hits = 1;
    f.pairs_found = c.pairs.size();
    f.params_found = c.params.size();
    auto shrunk = Shrink(c, kind, search_, gen_, o_.shrink);
    if (!shrunk.ok()) return shrunk.status();
    f.shrink_runs = shrunk->runs;
    report_.shrink_runs += shrunk->runs;
    // The shrunk conversation once more, recorded, at the deadline a finding must fail at.
    auto last = RunTrial(shrunk->conversation, o_.trial, true);
    if (!last.ok()) return last.status();
    if (search_.timeout < o_.trial.timeout && !kind.Matches(*last)) {
      // Shrinking at the shorter search deadline went where only that deadline fails: keep the
      // conversation as found (Learn saw it fail at the full deadline too).
      last = RunTrial(c, o_.trial, true);
      if (!last.ok()) return last.status();
    }
    f.as_case = last->as_case;
    f.raw = std::move(*last->raw);
    for (const auto& r : last->failed)
      if (r.check == kind.check && r.rule == kind.rule) f.detail = r.detail;
    // And as the printed `dxt check --script FILE --timeout T PROGRAM` runs it: check's quiet
    // periods, the --timeout deadline and isolation.
    judge::RunOptions replay;
    replay.program = o_.trial.program;
    replay.timeout = o_.trial.timeout;
    replay.max_item_size = o_.trial.max_item_size;
    replay.isolation = o_.trial.isolation;
    auto check = ReplayCase(f.as_case, replay);
    if (!check.ok()) return check.status();
    f.replayed = kind.Matches(*check);
    if (f.replayed) {
      f.raw = std::move(*check->raw);
      for (const auto& r : check->failed)
        if (r.check == kind.check && r.rule == kind.rule) f.detail = r.detail;
    } else {
      std::vector<std::string> got;
      for (const auto& r : check->failed) got.push_back(absl::StrCat(r.check, " (", r.rule, ")"));
      f.replay_note = got.empty() ? "dxt check --script found no failure"
                                  : absl::StrCat("dxt check --script failed differently: ",
                                                 absl::StrJoin(got, ", "));
    }
    if (!o_.generator.keys && !o_.generator.values) f.rejected_input = RejectedInput(f);
    return f;
  }

  static std::string RejectedInput(const Finding& f) {
    std::vector<std::string> lines = absl::StrSplit(f.raw.stderr_bytes, '\n', absl::SkipEmpty());
    std::vector<std::string> items;
    for (const auto& [k, v] : f.as_case.input) items.insert(items.end(), {k, v});
    return conformance::LineNamingItem(lines, items).value_or("");
  }

  const FuzzOptions& o_;
  TrialConfig search_;  // o_.trial with the search deadline
  Generator gen_;
  Rng rng_;
  harness::Clock::time_point start_;
  FuzzReport report_;
  std::vector<Conversation> corpus_[2];
  std::set<uint64_t> seen_;
  std::map<FailureKind, size_t> known_;
  std::map<FailureKind, size_t> slow_;  // index into report_.slow
};

}  // namespace

absl::StatusOr<FuzzReport> Fuzz(const FuzzOptions& options,
                                const std::function<void(const Progress&)>& progress) {
  if (options.modes.empty()) return absl::InvalidArgumentError("no mode to fuzz");
  return Search(options).Run(progress);
}

}  // namespace dxt::progfuzz
