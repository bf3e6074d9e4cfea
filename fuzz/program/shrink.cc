// Order of the passes: the structural ones first (they remove the most bytes per trial and make
// every later pass cheaper), then item lengths, then byte simplification, which only pays on the
// few short items left. Chunk removal is ddmin-like: halves, quarters, ... single elements.
#include "fuzz/program/shrink.h"

#include <algorithm>
#include <functional>

namespace dxt::progfuzz {

bool FailureKind::Matches(const TrialResult& r) const {
  if (r.as_case.mode != mode) return false;
  for (const auto& f : r.failed)
    if (f.check == check && f.rule == rule) return true;
  return false;
}

namespace {

class Shrinker {
 public:
  Shrinker(const FailureKind& kind, const TrialConfig& config, const Generator& generator,
           const ShrinkBudget& budget)
      : kind_(kind), config_(config), gen_(generator), budget_(budget),
        deadline_(harness::Clock::now() + budget.max_time) {}

  absl::StatusOr<ShrinkResult> Run(Conversation c) {
    best_ = std::move(c);
    bool progress = true;
    while (progress && !Exhausted()) {
      progress = false;
      for (auto pass : {&Shrinker::Delivery, &Shrinker::Params, &Shrinker::Pairs,
                        &Shrinker::ItemNames, &Shrinker::ItemLengths, &Shrinker::SimplerBytes}) {
        auto p = (this->*pass)();
        if (!p.ok()) return p.status();
        progress |= *p;
      }
    }
    return ShrinkResult{best_, runs_, Exhausted()};
  }

 private:
  bool Exhausted() const {
    return runs_ >= budget_.max_runs || harness::Clock::now() >= deadline_;
  }

  // Runs a candidate; keeps it when it still fails the same way.
  absl::StatusOr<bool> Try(const Conversation& candidate) {
    if (Exhausted()) return false;
    for (const auto& [k, v] : candidate.pairs)
      if (!gen_.KeyFits(k) || !gen_.ValueFits(v)) return false;
    ++runs_;
    auto r = RunTrial(candidate, config_, false);
    if (!r.ok()) return r.status();
    if (!kind_.Matches(*r)) return false;
    best_ = candidate;
    return true;
  }

  absl::StatusOr<bool> Delivery() {
    if (best_.mode != harness::Mode::kMap || best_.delivery == Delivery::kLockstep) return false;
    for (auto d : {Delivery::kLockstep, Delivery::kPipeline}) {
      if (d == best_.delivery) break;
      Conversation c = best_;
      c.delivery = d;
      auto ok = Try(c);
      if (!ok.ok() || *ok) return ok;
    }
    return false;
  }

  // Removes chunks of a vector member (pairs or params), largest first.
  template <typename Member>
  absl::StatusOr<bool> RemoveChunks(Member member) {
    bool any = false;
    for (size_t size = std::max<size_t>((best_.*member).size() / 2, 1); size >= 1; size /= 2) {
      for (size_t at = 0; at < (best_.*member).size();) {
        Conversation c = best_;
        auto& v = c.*member;
        v.erase(v.begin() + static_cast<ptrdiff_t>(at),
                v.begin() + static_cast<ptrdiff_t>(std::min(at + size, v.size())));
        auto ok = Try(c);
        if (!ok.ok()) return ok.status();
        if (*ok) any = true;
        else at += size;
        if (Exhausted()) return any;
      }
      if (size == 1) break;
    }
    return any;
  }

  absl::StatusOr<bool> Params() {
    if (best_.params.empty()) return false;
    Conversation c = best_;
    c.params.clear();
    auto ok = Try(c);
    if (!ok.ok() || *ok) return ok;
    return RemoveChunks(&Conversation::params);
  }

  absl::StatusOr<bool> Pairs() {
    if (best_.pairs.empty()) return false;
    Conversation c = best_;
    c.pairs.clear();
    auto ok = Try(c);
    if (!ok.ok() || *ok) return ok;
    return RemoveChunks(&Conversation::pairs);
  }

  // Each distinct key or value, everywhere it occurs (as key or value) at once, renamed to one
  // letter: keeps a defect that needs equal items — a repeated key, a pair reversed after itself
  // — which shrinking one item at a time would break.
  absl::StatusOr<bool> ItemNames() {
    std::vector<std::string> items;
    for (const auto& [k, v] : best_.pairs)
      for (const std::string* s : {&k, &v})
        if (s->size() > 1 && std::find(items.begin(), items.end(), *s) == items.end())
          items.push_back(*s);
    bool any = false;
    char letter = 'a';
    for (const std::string& item : items) {
      auto taken = [&](const std::string& name) {
        for (const auto& [k, v] : best_.pairs)
          if (k == name || v == name) return true;
        return false;
      };
      while (letter <= 'z' && taken(std::string(1, letter))) ++letter;
      if (letter > 'z') break;
      Conversation c = best_;
      for (auto& [k, v] : c.pairs) {
        if (k == item) k = std::string(1, letter);
        if (v == item) v = std::string(1, letter);
      }
      auto ok = Try(c);
      if (!ok.ok()) return ok.status();
      any |= *ok;
    }
    return any;
  }

  // Every key and value, in every pair and parameter, through `fn(get item of a copy)`.
  absl::StatusOr<bool> ForEachItem(
      const std::function<absl::StatusOr<bool>(std::function<std::string&(Conversation&)>)>& fn) {
    bool any = false;
    for (size_t i = 0; i < best_.pairs.size() + best_.params.size(); ++i) {
      for (int side = 0; side < 2; ++side) {
        auto get = [i, side](Conversation& c) -> std::string& {
          auto& e = i < c.pairs.size() ? c.pairs[i] : c.params[i - c.pairs.size()];
          return side == 0 ? e.first : e.second;
        };
        auto ok = fn(get);
        if (!ok.ok()) return ok.status();
        any |= *ok;
        if (Exhausted()) return any;
      }
    }
    return any;
  }

  // Shorter items: empty, then cuts from the end at halving sizes, each size repeated while it
  // works (a length window keeps its prefix: O(log^2 n) trials, not O(n)); short items also lose
  // chunks from the start and the middle.
  absl::StatusOr<bool> ItemLengths() {
    return ForEachItem([&](auto get) -> absl::StatusOr<bool> {
      bool any = false;
      if (get(best_).empty()) return false;
      Conversation c = best_;
      get(c).clear();
      auto ok = Try(c);
      if (!ok.ok() || *ok) return ok;
      for (size_t size = get(best_).size() / 2; size >= 1; size /= 2) {
        while (get(best_).size() > size && !Exhausted()) {
          Conversation d = best_;
          get(d).resize(get(d).size() - size);
          auto kept = Try(d);
          if (!kept.ok()) return kept.status();
          if (!*kept) break;
          any = true;
        }
      }
      if (get(best_).size() > 64) return any;
      for (size_t size = get(best_).size() / 2; size >= 1; size /= 2) {
        for (size_t at = 0; at + size < get(best_).size() && !Exhausted();) {
          Conversation d = best_;
          get(d).erase(at, size);
          auto kept = Try(d);
          if (!kept.ok()) return kept.status();
          if (*kept) any = true;
          else at += size;
        }
      }
      return any;
    });
  }

  // Simpler bytes: the whole item as one repeated letter or digit, then byte by byte (short
  // items only) to 'a'.
  absl::StatusOr<bool> SimplerBytes() {
    return ForEachItem([&](auto get) -> absl::StatusOr<bool> {
      const std::string& s = get(best_);
      if (s.empty()) return false;
      for (char fill : {'a', '0'}) {
        if (s.find_first_not_of(fill) == std::string::npos) return false;
        Conversation c = best_;
        get(c).assign(s.size(), fill);
        auto ok = Try(c);
        if (!ok.ok() || *ok) return ok;
      }
      if (s.size() > 64) return false;
      bool any = false;
      for (size_t i = 0; i < get(best_).size() && !Exhausted(); ++i) {
        char ch = get(best_)[i];
        if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) continue;
        Conversation c = best_;
        get(c)[i] = 'a';
        auto ok = Try(c);
        if (!ok.ok()) return ok.status();
        any |= *ok;
      }
      return any;
    });
  }

  FailureKind kind_;
  const TrialConfig& config_;
  const Generator& gen_;
  ShrinkBudget budget_;
  harness::Clock::time_point deadline_;
  Conversation best_;
  uint64_t runs_ = 0;
};

}  // namespace

absl::StatusOr<ShrinkResult> Shrink(const Conversation& failing, const FailureKind& kind,
                                    const TrialConfig& config, const Generator& generator,
                                    const ShrinkBudget& budget) {
  return Shrinker(kind, config, generator, budget).Run(failing);
}

}  // namespace dxt::progfuzz
