// stderr log lines (SPEC R7): "**<MSG>" / "**<ERR>" prefixed, "\n" terminated.
#ifndef DXT_CODEC_LOG_LINE_H_
#define DXT_CODEC_LOG_LINE_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace dxt::codec {

enum class LogKind {
  kMsg,           // "**<MSG>..." terminated by "\n"
  kErr,           // "**<ERR>..." terminated by "\n" (fails the task, R7.2)
  kOther,         // any other terminated line (R7.3 violation)
  kUnterminated,  // final bytes with no "\n" at end of stream (R7.3 violation)
};

const char* LogKindName(LogKind kind);  // "MSG", "ERR", "other", "unterminated"

struct LogLine {
  LogKind kind = LogKind::kOther;
  std::string_view text;  // payload after the prefix and one optional space; whole line for kOther
  std::string_view raw;   // the line without its "\n"
  uint64_t offset = 0;    // offset of the line's first byte in the stderr stream
  bool truncated = false; // raw/text were cut at the splitter's max_line bytes
};

// Classifies one line given without its terminating "\n" (kind is kMsg, kErr or kOther).
LogLine ClassifyLogLine(std::string_view line_without_newline);

// Splits a stderr byte stream, fed in arbitrary chunks, into classified lines. Memory stays
// bounded: a line longer than `max_line` bytes is delivered with its first max_line bytes and
// truncated = true (its kind is decided from the first 7 bytes).
class LogLineSplitter {
 public:
  using Sink = std::function<void(const LogLine&)>;  // views valid only during the call
  explicit LogLineSplitter(size_t max_line = 64 * 1024);

  void Feed(std::string_view chunk, const Sink& sink);
  // End of stream: delivers a kUnterminated line if bytes remain after the last "\n".
  void Finish(const Sink& sink);
  uint64_t bytes_seen() const { return offset_; }

 private:
  size_t max_line_;
  std::string pending_;      // current partial line, at most max_line_ bytes kept
  uint64_t line_start_ = 0;  // stream offset of pending line
  uint64_t offset_ = 0;      // bytes fed so far
  bool pending_truncated_ = false;
};

}  // namespace dxt::codec

#endif  // DXT_CODEC_LOG_LINE_H_
