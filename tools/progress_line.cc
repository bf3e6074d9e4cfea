#include "tools/progress_line.h"

#include "absl/strings/str_cat.h"

namespace dxt::tools {

std::string FormatProgress(size_t done, size_t total, std::chrono::milliseconds elapsed) {
  std::string line = absl::StrCat(done, "/", total, ", ETA ");
  if (done == 0) return line + "?";
  // Remaining items at the pace so far, in whole seconds rounded up.
  const int64_t ms = elapsed.count() * static_cast<int64_t>(total - std::min(done, total)) /
                     static_cast<int64_t>(done);
  return absl::StrCat(line, (ms + 999) / 1000, " s");
}

ProgressLine::ProgressLine(std::ostream& out, bool enabled) : out_(out), enabled_(enabled) {}

ProgressLine::~ProgressLine() { Stop(); }

void ProgressLine::Start(size_t total) {
  if (!enabled_) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (running_) return;
  running_ = true;
  total_ = total;
  start_ = std::chrono::steady_clock::now();
  DrawLocked();
  ticker_ = std::thread([this] {
    std::unique_lock<std::mutex> lock(mu_);
    while (running_) {
      if (wake_.wait_for(lock, std::chrono::seconds(1), [this] { return !running_; })) break;
      DrawLocked();
    }
  });
}

void ProgressLine::Print(std::string_view text) {
  std::lock_guard<std::mutex> lock(mu_);
  EraseLocked();
  out_ << text;
  if (running_) DrawLocked();
  out_.flush();
}

void ProgressLine::Advance() {
  std::lock_guard<std::mutex> lock(mu_);
  ++done_;
  if (running_) DrawLocked();
}

void ProgressLine::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!running_) return;
    running_ = false;
    EraseLocked();
    out_.flush();
  }
  wake_.notify_all();
  if (ticker_.joinable()) ticker_.join();
}

void ProgressLine::DrawLocked() {
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start_);
  std::string line = FormatProgress(done_, total_, elapsed);
  // Padding covers a longer line drawn before ("10/197, ETA 12 s" -> "11/197, ETA 9 s").
  const size_t width = line.size();
  if (drawn_ > width) line.append(drawn_ - width, ' ');
  out_ << '\r' << line;
  if (drawn_ > width) out_ << '\r' << line.substr(0, width);
  drawn_ = width;
  out_.flush();
}

void ProgressLine::EraseLocked() {
  if (drawn_ == 0) return;
  out_ << '\r' << std::string(drawn_, ' ') << '\r';
  drawn_ = 0;
}

}  // namespace dxt::tools
