// Log lines (SPEC R7.1), the program's stderr:
//
//   stream = *line [unterminated]
//   line   = (msg / err / other) LF
//   msg    = "**<MSG>" [SP] text     ; the space is customary, not required
//   err    = "**<ERR>" [SP] text     ; fails the task (R7.2)
//   other  = *(OCTET except LF)      ; a protocol violation (R7.3)
//   unterminated = 1*(OCTET except LF) end-of-stream   ; a violation too (R7.3)
#include "codec/log_line.h"

#include <algorithm>

#include "codec/wire_format.h"

namespace dxt::codec {

const char* LogKindName(LogKind kind) {
  switch (kind) {
    case LogKind::kMsg:
      return "MSG";
    case LogKind::kErr:
      return "ERR";
    case LogKind::kOther:
      return "other";
    case LogKind::kUnterminated:
      return "unterminated";
  }
  return "other";
}

LogLine ClassifyLogLine(std::string_view line) {
  LogLine out;
  out.raw = line;
  out.text = line;
  out.kind = LogKind::kOther;
  if (line.starts_with(kMsgPrefix)) out.kind = LogKind::kMsg;
  if (line.starts_with(kErrPrefix)) out.kind = LogKind::kErr;
  if (out.kind != LogKind::kOther) {
    out.text = line.substr(kLogPrefixSize);
    if (out.text.starts_with(' ')) out.text.remove_prefix(1);  // exactly one optional space
  }
  return out;
}

// The kind of a truncated line is decided from its first 7 bytes, so keep at least those.
LogLineSplitter::LogLineSplitter(size_t max_line) : max_line_(std::max(max_line, kLogPrefixSize)) {}

void LogLineSplitter::Feed(std::string_view chunk, const Sink& sink) {
  while (!chunk.empty()) {
    const size_t nl = chunk.find('\n');
    const bool has_newline = nl != std::string_view::npos;
    std::string_view piece = has_newline ? chunk.substr(0, nl) : chunk;
    const size_t step = has_newline ? nl + 1 : chunk.size();
    if (has_newline && pending_.empty() && !pending_truncated_ && piece.size() <= max_line_) {
      // Fast path: a whole line inside the chunk is classified in place.
      LogLine line = ClassifyLogLine(piece);
      line.offset = line_start_;
      sink(line);
    } else {
      const size_t room = max_line_ - pending_.size();
      if (piece.size() > room) pending_truncated_ = true;
      pending_.append(piece.substr(0, std::min(room, piece.size())));
      if (has_newline) {
        LogLine line = ClassifyLogLine(pending_);
        line.offset = line_start_;
        line.truncated = pending_truncated_;
        sink(line);
        pending_.clear();
        pending_truncated_ = false;
      }
    }
    offset_ += step;
    if (has_newline) line_start_ = offset_;
    chunk.remove_prefix(step);
  }
}

void LogLineSplitter::Finish(const Sink& sink) {
  if (offset_ > line_start_) {
    LogLine line;
    line.kind = LogKind::kUnterminated;
    line.raw = pending_;
    line.text = pending_;
    line.offset = line_start_;
    line.truncated = pending_truncated_;
    sink(line);
  }
  pending_.clear();
  pending_truncated_ = false;
  line_start_ = offset_;
}

}  // namespace dxt::codec
