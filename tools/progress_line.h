// A status line on a terminal while a long command runs ("37/197, ETA 4 s"), kept below the
// command's own output: each write of that output erases the line first and draws it again after,
// and Stop() erases it for good before the final output. It is drawn with a carriage return and
// spaces only (no escape sequence, so NO_COLOR and dumb terminals are fine) and only when enabled:
// the caller enables it on a terminal and not with -q, so pipes, files and CI logs never see it.
#ifndef DXT_TOOLS_PROGRESS_LINE_H_
#define DXT_TOOLS_PROGRESS_LINE_H_

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <ostream>
#include <string>
#include <string_view>
#include <thread>

namespace dxt::tools {

// "37/197, ETA 4 s" (ETA from the pace so far, rounded up; "ETA ?" before anything is done).
std::string FormatProgress(size_t done, size_t total, std::chrono::milliseconds elapsed);

class ProgressLine {
 public:
  // Writes to `out` (the terminal the command's text goes to). Disabled: Print() writes the text
  // alone and nothing else is ever drawn.
  ProgressLine(std::ostream& out, bool enabled);
  ~ProgressLine();  // Stop()
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  // Starts counting towards `total` and draws the line; it is redrawn every second (the ETA moves
  // while a long case runs) until Stop().
  void Start(size_t total);
  // Writes `text` (whole lines) above the line. Safe from any thread.
  void Print(std::string_view text);
  // One more item done (after Print of its line, if any).
  void Advance();
  // Erases the line and stops redrawing; the output after it is as if there never was one.
  void Stop();

 private:
  void DrawLocked();
  void EraseLocked();

  std::ostream& out_;
  const bool enabled_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool running_ = false;
  size_t done_ = 0, total_ = 0;
  size_t drawn_ = 0;  // characters of the line on screen now
  std::chrono::steady_clock::time_point start_;
  std::thread ticker_;
};

}  // namespace dxt::tools

#endif  // DXT_TOOLS_PROGRESS_LINE_H_
