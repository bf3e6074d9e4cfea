// Slow and fragmented delivery (catalogue Chunking): a ProcessIo decorator that holds back what
// the conversation queues for stdin and releases it in chunks of random size, with pauses between
// chunks and before each pair. A program must not assume that a pair arrives in one read.
//
// The conversation queues the parameter block first, then one QueueInput per pair; the decorator
// keeps those boundaries, so `pair_pause` is a pause before each pair (not before the block).
// Everything else (stdout, stderr, exit, kill) passes straight through.
#ifndef DXT_CONFORMANCE_TRICKLE_IO_H_
#define DXT_CONFORMANCE_TRICKLE_IO_H_

#include <deque>
#include <memory>
#include <random>
#include <string>

#include "conformance/catalogue.h"
#include "harness/forwarding_io.h"
#include "harness/process.h"

namespace dxt::conformance {

class TrickleIo : public harness::ForwardingProcessIo {
 public:
  TrickleIo(std::unique_ptr<harness::ProcessIo> inner, const Chunking& chunking);

  void QueueInput(std::string_view bytes) override;
  // Held-back bytes plus the inner queue: the conversation waits for 0 before closing stdin.
  uint64_t PendingInput() const override;
  absl::Status Pump(harness::Clock::time_point deadline, harness::PumpEvents* events) override;

 private:
  // Moves the next chunk into the inner queue when it is empty and the pause has passed.
  void Release();

  Chunking chunking_;
  std::mt19937_64 rng_;
  std::deque<std::string> segments_;  // [0] = block, then one per pair; front partly released
  size_t front_offset_ = 0;
  uint64_t held_ = 0;
  bool first_segment_ = true;  // the parameter block gets no pair pause
  uint64_t paused_pairs_ = 0;  // pairs that waited pair_pause (first_pause_only: at most one)
  harness::Clock::time_point not_before_{};
};

// A factory for DriverOptions::spawn that starts the program with `inner` (empty =
// harness::SpawnProcess) and wraps it in a TrickleIo when `chunking.active()`.
harness::ProcessFactory TrickleFactory(const Chunking& chunking,
                                       harness::ProcessFactory inner = nullptr);

}  // namespace dxt::conformance

#endif  // DXT_CONFORMANCE_TRICKLE_IO_H_
