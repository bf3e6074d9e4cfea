// Why a decorator: the conversation engine stays unaware of delivery shapes, and the same map
// lockstep / reduce streaming logic (deadlines, EPIPE, draining) judges the fragmented runs.
#include "conformance/trickle_io.h"

#include <algorithm>

namespace dxt::conformance {

TrickleIo::TrickleIo(std::unique_ptr<harness::ProcessIo> inner, const Chunking& chunking)
    : ForwardingProcessIo(std::move(inner)), chunking_(chunking), rng_(chunking.seed) {}

void TrickleIo::QueueInput(std::string_view bytes) {
  if (inner().input_closed() || bytes.empty()) return;
  segments_.emplace_back(bytes);
  held_ += bytes.size();
}

uint64_t TrickleIo::PendingInput() const { return held_ + inner().PendingInput(); }

void TrickleIo::Release() {
  if (segments_.empty() || inner().PendingInput() > 0 || inner().input_closed()) return;
  auto now = inner().Now();
  if (front_offset_ == 0 && !first_segment_ && chunking_.pair_pause.count() > 0 &&
      not_before_ == harness::Clock::time_point{} &&
      !(chunking_.first_pause_only && paused_pairs_ > 0)) {
    not_before_ = now + chunking_.pair_pause;  // the pause before this pair starts now
    ++paused_pairs_;
  }
  if (now < not_before_) return;
  const std::string& seg = segments_.front();
  size_t size = seg.size() - front_offset_;
  if (chunking_.max_chunk > 0) {
    size_t lo = std::max<size_t>(1, std::min(chunking_.min_chunk, chunking_.max_chunk));
    size_t pick = std::uniform_int_distribution<size_t>(lo, chunking_.max_chunk)(rng_);
    size = std::min(size, pick);
  }
  inner().QueueInput(std::string_view(seg).substr(front_offset_, size));
  front_offset_ += size;
  held_ -= size;
  not_before_ = {};
  if (front_offset_ == seg.size()) {
    segments_.pop_front();
    front_offset_ = 0;
    first_segment_ = false;
  } else if (chunking_.chunk_pause.count() > 0) {
    not_before_ = now + chunking_.chunk_pause;
  }
}

absl::Status TrickleIo::Pump(harness::Clock::time_point deadline, harness::PumpEvents* events) {
  Release();
  // Wake up for the next release even when the program is silent. Only for a pause still ahead
  // with nothing left to write: a deadline in the past would stop the inner pump from writing.
  if (held_ > 0 && inner().PendingInput() == 0 && not_before_ > inner().Now())
    deadline = std::min(deadline, not_before_);
  absl::Status s = inner().Pump(deadline, events);
  Release();
  return s;
}

harness::ProcessFactory TrickleFactory(const Chunking& chunking, harness::ProcessFactory inner) {
  return
      [chunking, inner](
          const harness::LaunchSpec& spec) -> absl::StatusOr<std::unique_ptr<harness::ProcessIo>> {
        auto io = inner ? inner(spec) : harness::SpawnProcess(spec);
        if (!io.ok() || !chunking.active()) return io;
        return std::unique_ptr<harness::ProcessIo>(new TrickleIo(std::move(*io), chunking));
      };
}

}  // namespace dxt::conformance
