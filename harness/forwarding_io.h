// A ProcessIo decorator base: every call goes on to the wrapped ProcessIo unchanged. A decorator
// (conformance/trickle_io.h holds stdin back and releases it in chunks; fuzz/program/trial.cc
// records the exchange) derives from it and overrides only what it changes, so a method added to
// ProcessIo later is forwarded by every decorator at once instead of silently falling back to
// ProcessIo's default (KillAll once did: a recording run counted no stray descendants).
//
// QueueInputBorrowed and OwnQueuedInput keep ProcessIo's defaults (a copy through QueueInput): a
// decorator that overrides QueueInput sees every byte queued, whichever call queued it.
#ifndef DXT_HARNESS_FORWARDING_IO_H_
#define DXT_HARNESS_FORWARDING_IO_H_

#include <memory>
#include <utility>

#include "harness/process.h"

namespace dxt::harness {

class ForwardingProcessIo : public ProcessIo {
 public:
  explicit ForwardingProcessIo(std::unique_ptr<ProcessIo> inner) : inner_(std::move(inner)) {}

  void QueueInput(std::string_view bytes) override { inner_->QueueInput(bytes); }
  uint64_t PendingInput() const override { return inner_->PendingInput(); }
  void CloseInput() override { inner_->CloseInput(); }
  absl::Status Pump(Clock::time_point deadline, PumpEvents* events) override {
    return inner_->Pump(deadline, events);
  }
  bool input_closed() const override { return inner_->input_closed(); }
  bool input_broken() const override { return inner_->input_broken(); }
  bool out_eof() const override { return inner_->out_eof(); }
  bool err_eof() const override { return inner_->err_eof(); }
  bool exited() const override { return inner_->exited(); }
  ExitInfo exit_info() const override { return inner_->exit_info(); }
  uint64_t UnreadInput() const override { return inner_->UnreadInput(); }
  void KillGroup() override { inner_->KillGroup(); }
  uint64_t KillAll() override { return inner_->KillAll(); }
  void AbandonOutput() override { inner_->AbandonOutput(); }
  Clock::time_point Now() const override { return inner_->Now(); }

 protected:
  ProcessIo& inner() { return *inner_; }
  const ProcessIo& inner() const { return *inner_; }

 private:
  std::unique_ptr<ProcessIo> inner_;
};

}  // namespace dxt::harness

#endif  // DXT_HARNESS_FORWARDING_IO_H_
