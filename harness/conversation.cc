// The conversation engine. Why it is shaped this way:
//  - One pump services stdin, stdout and stderr together, so no write can deadlock against a
//    program that writes before it reads (R6.2) or writes a list larger than a pipe buffer.
//  - Every wait has a budget; an expired wait is named in the transcript (R8.2) and ends the
//    conversation with the group killed.
//  - stdout is decoded incrementally (codec::StreamDecoder) and stderr split by
//    codec::LogLineSplitter, so memory stays bounded whatever the program floods.
//  - A map list is attributed to pair k = its index. If its first byte arrives before pair k was
//    even queued, no pair asked for it: a list before input (R5.3) or a second list for the
//    previous pair (R5.2). That ends the conversation: later attribution would be meaningless.
#include "harness/conversation.h"

#include <algorithm>
#include <deque>
#include <functional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "codec/kv_frame.h"
#include "codec/log_line.h"
#include "codec/stream_decoder.h"

namespace dxt::harness {
namespace {

using std::chrono::milliseconds;

constexpr uint64_t kMaxPendingInput = uint64_t{1} << 20;
constexpr uint64_t kPipelineWindow = 256;  // pairs written ahead of their lists
constexpr milliseconds kDescendantGrace{200};
constexpr milliseconds kReapGrace{2000};
constexpr size_t kMaxLogLine = 4096;
constexpr size_t kMaxLogTexts = 1000;
constexpr uint64_t kMaxKeptOutputBytes = uint64_t{64} << 20;
constexpr int64_t kMaxOverallStretch = 10;  // see OverallDeadline

void AppendCapped(std::string* dst, std::string_view src, size_t cap = kMaxExcerptBytes) {
  if (dst->size() < cap) dst->append(src.substr(0, cap - dst->size()));
}

class Conversation {
 public:
  Conversation(ProcessIo& io, Mode mode, const PairSource& input, const ListSink& on_list,
               const LogSink& on_log, const DriverOptions& options, Transcript* t)
      : io_(io), mode_(mode), input_(input), on_list_(on_list), on_log_(on_log), opts_(options),
        t_(t), decoder_(codec::StreamGrammar::kResultLists, options.limits),
        splitter_(kMaxLogLine),
        keep_pairs_(static_cast<bool>(on_list) || options.keep_output_pairs > 0) {}

  absl::Status Run(std::string_view param_block);

 private:
  enum class Wait { kDone, kExpired, kStopped };
  struct Snapshot {
    Millis at{};
    uint64_t pairs_queued = 0;
    bool stdin_closed = false;
  };

  Millis Elapsed() const { return io_.Now() - start_; }
  // When the stdout chunk being decoded arrived (every event in it happened then), else now.
  Millis EventTime() const { return chunk_.data() != nullptr ? chunk_at_ : Elapsed(); }
  std::optional<Clock::time_point> OverallDeadline() const;
  bool Stopped() const { return aborted_ || !status_.ok(); }
  // The program can no longer answer.
  bool Gone() const { return Stopped() || io_.exited() || io_.out_eof(); }
  bool IsMap() const { return mode_ == Mode::kMap; }

  Wait PumpUntil(const std::function<bool()>& done, milliseconds budget, bool extend_on_progress);
  bool Absorb(const PumpEvents& ev, Clock::time_point now);
  void Expire(ExpiredWait::Kind kind, milliseconds budget, uint64_t pair = 0);
  void Owe(WaitKind kind, milliseconds budget, uint64_t pair = 0,
           std::optional<milliseconds> waited = std::nullopt);
  void OweIfUnanswered(milliseconds budget);
  void Violate(ListViolation::Kind kind, uint64_t index, uint64_t offset, uint64_t written,
               bool after_stdin_closed);
  void Abort();
  void QueueBytes(std::string_view bytes, bool borrow = false);
  absl::StatusOr<std::optional<codec::PairView>> NextInput();
  void QueuePair(const codec::PairView& pair);
  void SendPairs();
  void Finish();
  void OnStdout(std::string_view bytes, Millis at);
  void OnEvent(const codec::StreamEvent& e, uint64_t chunk_start);
  void OnPair(uint64_t index, const codec::PairView& pair);
  bool DeliverPart(uint64_t index);
  void Buffer(const codec::PairView& pair);
  void OwnBufferedPart();
  void ClearPart();
  void KeepForTranscript();
  void OnListEnd(uint64_t index);
  bool NewestPairUnread() const;
  void OnLog(const codec::LogLine& line);

  ProcessIo& io_;
  Mode mode_;
  const PairSource& input_;
  const ListSink& on_list_;
  const LogSink& on_log_;
  const DriverOptions& opts_;
  Transcript* t_;
  codec::StreamDecoder decoder_;
  codec::LogLineSplitter splitter_;
  bool keep_pairs_;

  Clock::time_point start_;
  absl::Status status_;
  bool aborted_ = false;
  bool frozen_ = false;  // stdout no longer decoded after an abort
  bool closed_by_us_ = false;
  Snapshot boundary_;
  // The open list's pairs not yet handed on. A pair decoded straight from the stdout chunk being
  // fed is kept as a view into it (the common case: a whole list in one read, handed on without a
  // copy); a pair from the decoder's own buffer, and every buffered pair when the chunk ends with
  // the list still open, is copied into part_owned_ (a deque: its strings never move).
  std::vector<codec::PairView> part_;
  std::deque<std::string> part_owned_;
  std::string_view chunk_;  // the stdout bytes being decoded, during OnStdout
  uint64_t cur_bytes_ = 0;
  std::string frame_;  // scratch for QueuePair
  PumpEvents events_;  // scratch for PumpUntil
  uint64_t kept_output_bytes_ = 0;
  uint64_t last_pair_frame_ = 0;  // size of the newest pair's frame
  Millis chunk_at_{};             // OnStdout: when its chunk arrived
  Clock::time_point wait_since_;  // when the last PumpUntil's wait began or was last renewed
  // How long the open wait had lasted when the program closed stdin (EPIPE) with input unwritten.
  std::optional<milliseconds> waited_when_broken_;
};

Conversation::Wait Conversation::PumpUntil(const std::function<bool()>& done, milliseconds budget,
                                           bool extend_on_progress) {
  // One clock read before the first pump and one after each (a lockstep map makes this wait
  // once per pair: the clock is a visible share of its CPU).
  auto now = io_.Now();
  wait_since_ = now;
  auto deadline = now + budget;
  for (;;) {
    if (done()) return Wait::kDone;
    if (Stopped()) return Wait::kStopped;
    const auto overall = OverallDeadline();
    if (overall && now >= *overall) {
      Expire(ExpiredWait::Kind::kWholeConversation,
             std::chrono::duration_cast<milliseconds>(*overall - start_));
      Abort();
      return Wait::kStopped;
    }
    if (now >= deadline) return Wait::kExpired;
    bool quiet = io_.exited() && io_.out_eof() && io_.err_eof() &&
                 (io_.input_closed() || io_.PendingInput() == 0);
    if (quiet) return Wait::kStopped;  // nothing can change any more
    PumpEvents& ev = events_;  // reused: its buffers keep their capacity
    ev.out.clear();
    ev.err.clear();
    ev.in_written = 0;
    ev.changed = false;
    auto until = overall ? std::min(deadline, *overall) : deadline;
    absl::Status s = io_.Pump(until, &ev);
    if (!s.ok()) {
      status_ = s;
      Abort();
      return Wait::kStopped;
    }
    now = io_.Now();
    if (Absorb(ev, now) && extend_on_progress) {
      wait_since_ = now;
      deadline = now + budget;
    }
  }
}

// The whole conversation's deadline: overall_timeout, stretched by overall_per_mib for every MiB
// that has moved through stdin and stdout (at most by overall_timeout * kMaxOverallStretch), so a
// program that is slow but keeps moving bytes is limited by its rate, not by the size of its case.
std::optional<Clock::time_point> Conversation::OverallDeadline() const {
  if (opts_.overall_timeout.count() <= 0) return std::nullopt;
  const uint64_t mib = (t_->stdin_bytes_written + t_->stdout_bytes) >> 20;
  const auto stretch = std::min(opts_.overall_per_mib * static_cast<int64_t>(mib),
                                opts_.overall_timeout * kMaxOverallStretch);
  return start_ + opts_.overall_timeout + stretch;
}

// Returns whether the conversation progressed (stdin accepted or stdout delivered bytes);
// stderr chatter is not progress, so a program logging forever still hits its deadline.
bool Conversation::Absorb(const PumpEvents& ev, Clock::time_point now) {
  t_->stdin_bytes_written += ev.in_written;
  if (!ev.out.empty()) OnStdout(ev.out, now - start_);
  if (!ev.err.empty()) {
    t_->stderr_bytes += ev.err.size();
    AppendCapped(&t_->stderr_head, ev.err);
    splitter_.Feed(ev.err, [this](const codec::LogLine& l) { OnLog(l); });
  }
  if (io_.input_broken() && !t_->stdin_broken) {
    t_->stdin_broken = true;
    t_->stdin_broken_at = Elapsed();
    waited_when_broken_ = std::chrono::duration_cast<milliseconds>(io_.Now() - wait_since_);
  }
  if (io_.exited() && !t_->reaped) {
    t_->reaped = true;
    t_->exit = io_.exit_info();
    if (!io_.input_closed()) {
      t_->unread_input_at_exit = io_.UnreadInput() + io_.PendingInput();
    } else if (closed_by_us_) {
      t_->unread_input_at_exit = io_.UnreadInput();
      t_->unread_after_eof = t_->unread_input_at_exit > 0;
    }
  }
  return ev.in_written > 0 || !ev.out.empty();
}

void Conversation::Expire(ExpiredWait::Kind kind, milliseconds budget, uint64_t pair) {
  ExpiredWait w{kind, pair, budget};
  if (kind == ExpiredWait::Kind::kReply && !t_->stall) {
    t_->stall = StallRecord{pair, io_.UnreadInput() + io_.PendingInput(), t_->stdout_bytes,
                            t_->last_stdout_at, Elapsed()};
  }
  t_->expired.push_back(w);
  using K = ExpiredWait::Kind;
  t_->expired_kinds.push_back(kind == K::kReply         ? WaitKind::kReply
                              : kind == K::kProgramRead ? WaitKind::kInput
                              : kind == K::kExit        ? WaitKind::kExit
                                                        : WaitKind::kOverall);
}

// The wait just ended because the program went away (exited or closed stdout) with its answer
// owed: how long it kept the wait open is recorded (the first such wait only).
void Conversation::Owe(WaitKind kind, milliseconds budget, uint64_t pair,
                       std::optional<milliseconds> waited) {
  if (Stopped() || t_->owed_at_end || !t_->expired.empty()) return;
  if (!waited) waited = std::chrono::duration_cast<milliseconds>(io_.Now() - wait_since_);
  t_->owed_at_end = OwedWait{kind, pair, *waited, budget};
}

// After a write-ahead wait (pipelined map, reduce) that ended with the program gone: a list or
// the reading of queued input was still owed. A program that closed stdin while input was still
// being written owes that input even before its exit is seen (the write failed with EPIPE, so
// nothing is pending any more): how long the wait had lasted then is what it kept it open.
void Conversation::OweIfUnanswered(milliseconds budget) {
  const bool broke = waited_when_broken_.has_value();  // set once, when EPIPE is first seen
  if (!Gone() && !broke) return;
  if (IsMap() && Gone() && t_->lists_completed < t_->pairs_queued) {
    Owe(WaitKind::kReply, budget, t_->lists_completed);
  } else if (broke) {
    Owe(WaitKind::kInput, budget, 0, waited_when_broken_);
  } else if (!io_.input_closed() && io_.PendingInput() + io_.UnreadInput() > 0) {
    Owe(WaitKind::kInput, budget);
  }
}

void Conversation::Violate(ListViolation::Kind kind, uint64_t index, uint64_t offset,
                           uint64_t written, bool after_stdin_closed) {
  ListViolation v{kind, index == 0 ? "R5.3" : "R5.2", index, offset, written, after_stdin_closed};
  t_->extra_list = v;
  Abort();
}

void Conversation::Abort() {
  aborted_ = true;
  frozen_ = true;
  if (!io_.exited()) t_->killed_by_driver = true;
  io_.KillGroup();
}

void Conversation::QueueBytes(std::string_view bytes, bool borrow) {
  t_->stdin_bytes_queued += bytes.size();
  AppendCapped(&t_->stdin_head, bytes, kMaxStdinHeadBytes);
  if (borrow) {
    io_.QueueInputBorrowed(bytes);
  } else {
    io_.QueueInput(bytes);
  }
}

// The PairSource's views die at its next call: what is still queued of them is copied first
// (at most kMaxPendingInput bytes, unless a program answered without reading its pair).
absl::StatusOr<std::optional<codec::PairView>> Conversation::NextInput() {
  io_.OwnQueuedInput();
  return input_();
}

void Conversation::QueuePair(const codec::PairView& pair) {
  if (pair.key.size() > UINT32_MAX || pair.value.size() > UINT32_MAX) {
    status_ = absl::InvalidArgumentError("an input item over 4 GiB - 1 bytes cannot be framed (R3.1)");
    Abort();
    return;
  }
  const uint64_t size = codec::PairFrameSize(pair.key, pair.value);
  PairWrite w{t_->pairs_queued, t_->stdin_bytes_queued, size, Elapsed()};
  last_pair_frame_ = size;
  if (t_->pairs.size() < kMaxListRecords) t_->pairs.push_back(w);
  ++t_->pairs_queued;
  frame_.clear();
  if (size < kMaxPendingInput) {
    (void)codec::AppendPair(&frame_, pair.key, pair.value);  // sizes checked above
    QueueBytes(frame_);
    return;
  }
  // A large pair is queued as its four pieces, the items borrowed from the source (valid until
  // its next call, NextInput): a 1 GiB item is held once, by the source.
  for (std::string_view item : {pair.key, pair.value}) {
    frame_.clear();
    codec::AppendU32(&frame_, static_cast<uint32_t>(item.size()));
    QueueBytes(frame_);
    QueueBytes(item, /*borrow=*/true);
  }
}

void Conversation::OnStdout(std::string_view bytes, Millis now) {
  if (!t_->first_stdout_at) t_->first_stdout_at = now;
  t_->last_stdout_at = now;
  if (t_->pairs_queued == 0) t_->stdout_bytes_before_first_pair += bytes.size();
  t_->stdout_bytes += bytes.size();
  AppendCapped(&t_->stdout_head, bytes);
  if (!t_->stdout_error.ok() || frozen_) return;  // after a violation only count
  uint64_t chunk_start = decoder_.offset();
  if (decoder_.at_boundary()) boundary_ = {now, t_->pairs_queued, closed_by_us_};
  chunk_ = bytes;
  chunk_at_ = now;
  absl::Status s =
      decoder_.Feed(bytes, [&](const codec::StreamEvent& e) { OnEvent(e, chunk_start); });
  OwnBufferedPart();  // the list goes on in a later chunk: its views must not outlive this one
  chunk_ = {};
  if (!s.ok() && t_->stdout_error.ok()) {
    t_->stdout_error = decoder_.error();
    const uint64_t off = t_->stdout_error.offset;
    const uint64_t chunk_begin = t_->stdout_bytes - bytes.size();
    if (off >= chunk_begin && off < t_->stdout_bytes)
      t_->stdout_error_bytes = std::string(bytes.substr(off - chunk_begin, 16));
    Abort();
  }
}

void Conversation::OnEvent(const codec::StreamEvent& e, uint64_t chunk_start) {
  if (frozen_) return;
  using Type = codec::StreamEvent::Type;
  if (e.type == Type::kListStart) {
    // A list that began in an earlier chunk started when the decoder last stood at a boundary.
    Snapshot at =
        e.offset < chunk_start ? boundary_ : Snapshot{EventTime(), t_->pairs_queued, closed_by_us_};
    ListRecord r{t_->lists_started++, e.offset, e.count, at.at, std::nullopt, at.pairs_queued,
                 at.stdin_closed};
    if (t_->lists.size() < kMaxListRecords) t_->lists.push_back(r);
    ClearPart();
    // A list that cannot answer any pair the program has read.
    using K = ListViolation::Kind;
    if (IsMap() && r.index >= r.pairs_queued_at_start) {
      Violate(opts_.pipeline && r.index > 0 ? K::kMoreListsThanPairs
              : r.index == 0                ? K::kBeforeAnyPair
                                            : K::kBeforePairWritten,
              r.index, e.offset, r.pairs_queued_at_start, r.started_after_stdin_closed);
    } else if (IsMap() && !opts_.pipeline && opts_.detect_list_before_read &&
               e.offset >= chunk_start &&
               r.index + 1 == t_->pairs_queued && NewestPairUnread()) {
      // Lockstep: pair r.index is the only input the program has not answered, and not one of
      // its bytes has left the pipe: this list cannot answer it.
      Violate(K::kBeforePairRead, r.index, e.offset, r.pairs_queued_at_start,
              r.started_after_stdin_closed);
    }
  } else if (e.type == Type::kPair) {
    if (keep_pairs_) OnPair(e.list_index, e.pair);
  } else if (e.type == Type::kListEnd) {
    // The next list's first byte is in this chunk or a later one: if its header is then split
    // across chunks, it began no earlier than this chunk arrived. (Keeping the snapshot of the last
    // chunk that began at a boundary dated it to before its pair was written: "more lists than
    // pairs" for a conforming program writing a byte at a time, when one read took a list's end and
    // the next list's first byte.)
    boundary_ = {EventTime(), t_->pairs_queued, closed_by_us_};
    OnListEnd(e.list_index);
  }
}

// Whether every byte of the newest pair is still ours or in the pipe (FIONREAD). Only then:
// a program that has read part of it may be answering it.
bool Conversation::NewestPairUnread() const {
  return last_pair_frame_ > 0 && !io_.input_closed() &&
         io_.UnreadInput() + io_.PendingInput() >= last_pair_frame_;
}

// The protocol limits items (R3.2), not lists: a list is never held whole. Its pairs go on to
// on_list_ in parts of about max_list_bytes (a pair larger than that straight from the decoder's
// view, uncopied), and into the transcript only while the kept-output caps allow.
void Conversation::OnPair(uint64_t index, const codec::PairView& pair) {
  const uint64_t size = pair.key.size() + pair.value.size();
  if (on_list_) {
    if (cur_bytes_ + size > opts_.max_list_bytes && !DeliverPart(index)) return;
    if (size > opts_.max_list_bytes) {
      if (absl::Status s = on_list_(index, std::span<const codec::PairView>(&pair, 1)); !s.ok()) {
        status_ = s;
        Abort();
      }
      // A pair too large to keep for the transcript is not kept either.
      if (opts_.keep_output_pairs > 0) t_->output_truncated = true;
      return;
    }
    cur_bytes_ += size;
    Buffer(pair);
    return;
  }
  // Transcript only: keep what the caps allow, count the rest.
  if (t_->output_truncated) return;
  if (t_->output.size() + part_.size() >= opts_.keep_output_pairs ||
      kept_output_bytes_ + cur_bytes_ > kMaxKeptOutputBytes) {
    t_->output_truncated = true;
    ClearPart();
    return;
  }
  cur_bytes_ += size;
  Buffer(pair);
}

// Whether `part` lies within `whole` (an empty view needs no backing).
bool Inside(std::string_view part, std::string_view whole) {
  const auto p = reinterpret_cast<uintptr_t>(part.data());
  const auto w = reinterpret_cast<uintptr_t>(whole.data());
  return part.empty() || (p >= w && p + part.size() <= w + whole.size());
}

void Conversation::Buffer(const codec::PairView& pair) {
  if (Inside(pair.key, chunk_) && Inside(pair.value, chunk_)) {
    part_.push_back(pair);
    return;
  }
  // From the decoder's buffer: valid only during this event.
  part_owned_.emplace_back(pair.key);
  std::string_view key = part_owned_.back();
  part_owned_.emplace_back(pair.value);
  part_.push_back({key, part_owned_.back()});
}

void Conversation::OwnBufferedPart() {
  for (codec::PairView& p : part_) {
    for (std::string_view* item : {&p.key, &p.value}) {
      if (item->empty() || !Inside(*item, chunk_)) continue;
      part_owned_.emplace_back(*item);
      *item = part_owned_.back();
    }
  }
}

void Conversation::ClearPart() {
  part_.clear();
  part_owned_.clear();
  cur_bytes_ = 0;
}

// Hands the buffered pairs of list `index` to on_list_. False (and the conversation aborted) when
// it refuses them.
bool Conversation::DeliverPart(uint64_t index) {
  absl::Status s = on_list_(index, part_);
  KeepForTranscript();
  if (s.ok()) return true;
  status_ = s;
  Abort();
  return false;
}

// Moves the buffered pairs into the transcript's output, within its caps.
void Conversation::KeepForTranscript() {
  for (const codec::PairView& kv : part_) {
    if (t_->output_truncated) break;
    if (t_->output.size() >= opts_.keep_output_pairs || kept_output_bytes_ > kMaxKeptOutputBytes) {
      t_->output_truncated = opts_.keep_output_pairs > 0;
      break;
    }
    kept_output_bytes_ += kv.key.size() + kv.value.size();
    t_->output.emplace_back(kv.key, kv.value);
  }
  ClearPart();
}

void Conversation::OnListEnd(uint64_t index) {
  ++t_->lists_completed;
  if (index < t_->lists.size()) t_->lists[index].complete_at = EventTime();
  if (on_list_) {
    DeliverPart(index);
  } else {
    KeepForTranscript();
  }
}

void Conversation::OnLog(const codec::LogLine& line) {
  switch (line.kind) {
    case codec::LogKind::kMsg: ++t_->msg_lines; break;
    case codec::LogKind::kErr: ++t_->err_lines; break;
    case codec::LogKind::kOther: ++t_->other_lines; break;
    case codec::LogKind::kUnterminated: ++t_->unterminated_lines; break;
  }
  LogRecord record{line.kind, std::string(line.raw), line.offset, Elapsed()};
  if (t_->logs.size() < kMaxLogRecords) t_->logs.push_back(record);
  if (t_->last_logs.size() == kMaxTailLogRecords) t_->last_logs.erase(t_->last_logs.begin());
  t_->last_logs.push_back(std::move(record));
  bool prefixed = line.kind == codec::LogKind::kMsg || line.kind == codec::LogKind::kErr;
  if (prefixed && t_->all_log_text.size() < kMaxLogTexts)
    t_->all_log_text.emplace_back(line.text);
  if (on_log_) on_log_(line);
}

// Writes every input pair: lockstep for map (one list per pair before the next), write-ahead for
// reduce and pipelined map, with bounded queues.
void Conversation::SendPairs() {
  const milliseconds reply = opts_.reply_timeout;
  bool exhausted = false;
  while (!Gone()) {
    auto next = NextInput();
    if (!next.ok()) {
      status_ = next.status();
      Abort();
      return;
    }
    if (!next->has_value()) {
      exhausted = true;
      break;
    }
    QueuePair(**next);
    const uint64_t i = t_->pairs_queued - 1;
    if (IsMap() && !opts_.pipeline) {
      // The reply wait is renewed while the pair is taken or its list arrives: it expires only
      // after `reply` with no byte moving, so a program that is slow but answering (a 16 MiB list
      // written a byte at a time, on a busy machine) is not cut off mid-list and then blamed for
      // the list it was still writing. The overall deadline bounds the whole conversation.
      if (PumpUntil([&] { return t_->lists_completed > i || Gone(); }, reply, true) ==
          Wait::kExpired) {
        t_->stalled_pair = i;
        Expire(ExpiredWait::Kind::kReply, reply, i);
        break;
      }
      if (t_->lists_completed <= i && Gone()) Owe(WaitKind::kReply, reply, i);
    } else {
      auto room = [&] {
        if (Gone()) return true;
        if (io_.PendingInput() > kMaxPendingInput) return false;
        return !IsMap() || t_->pairs_queued - t_->lists_completed <= kPipelineWindow;
      };
      if (PumpUntil(room, reply, true) == Wait::kExpired) {
        if (IsMap()) t_->stalled_pair = t_->lists_completed;
        if (IsMap()) {
          Expire(ExpiredWait::Kind::kReply, reply, t_->lists_completed);
        } else {
          Expire(ExpiredWait::Kind::kProgramRead, reply);
        }
        break;
      }
      OweIfUnanswered(reply);
    }
  }
  t_->pairs_total = t_->pairs_queued;
  if (!exhausted && status_.ok()) {
    for (;;) {  // count what the program never got, for the consumption check
      auto next = NextInput();
      if (!next.ok() || !next->has_value()) break;
      ++t_->pairs_total;
    }
  }
}

void Conversation::Finish() {
  const milliseconds reply = opts_.reply_timeout;
  const bool extend = !IsMap();
  const milliseconds exit_budget = IsMap() || opts_.exact_exit_timeout ? opts_.exit_timeout
                                           : std::max(opts_.reply_timeout, opts_.exit_timeout);
  if (t_->expired.empty() && !Gone()) {
    if (IsMap() && opts_.pipeline &&
        PumpUntil([&] { return t_->lists_completed >= t_->pairs_queued || Gone(); }, reply,
                  true) == Wait::kExpired) {
      t_->stalled_pair = t_->lists_completed;
      Expire(ExpiredWait::Kind::kReply, reply, t_->lists_completed);
    }
    OweIfUnanswered(reply);
    if (t_->expired.empty() &&
        PumpUntil([&] { return io_.PendingInput() == 0 || io_.input_closed() || Gone(); }, reply,
                  true) == Wait::kExpired) {
      Expire(ExpiredWait::Kind::kProgramRead, reply);
    }
    OweIfUnanswered(reply);
    if (opts_.settle.count() > 0)
      PumpUntil([&] { return io_.exited() || Stopped(); }, opts_.settle, false);
  }
  if (!io_.input_closed()) {
    io_.CloseInput();
    closed_by_us_ = true;
    t_->stdin_closed_at = Elapsed();
  }
  if (!Stopped()) {
    if (PumpUntil([&] { return io_.exited(); }, exit_budget, extend) == Wait::kExpired) {
      Expire(ExpiredWait::Kind::kExit, exit_budget);
      Abort();
    } else if (io_.exited() &&
               PumpUntil([&] { return io_.out_eof() && io_.err_eof(); }, kDescendantGrace, true) ==
                   Wait::kExpired) {
      t_->descendant_held_pipes = true;  // R6.3
      io_.KillGroup();
    }
  }
  // Reap and collect what is left; abandon pipes that escaped descendants still hold.
  aborted_ = false;  // let the final pump run
  absl::Status keep = status_;
  status_ = absl::OkStatus();
  PumpUntil([&] { return io_.exited() && io_.out_eof() && io_.err_eof(); }, kReapGrace, false);
  bool natural_eof = io_.out_eof() && io_.err_eof();
  if (!natural_eof) io_.AbandonOutput();
  status_ = keep;
  if (natural_eof) {
    splitter_.Finish([this](const codec::LogLine& l) { OnLog(l); });
    if (t_->stdout_error.ok() && !t_->killed_by_driver && !t_->extra_list) {
      (void)decoder_.Finish();  // its error, if any, is decoder_.error()
      t_->stdout_error = decoder_.error();
    }
  }
  t_->stray_processes = io_.KillAll();  // descendants left anywhere
  if (io_.exited() && !t_->reaped) {
    t_->reaped = true;
    t_->exit = io_.exit_info();
  }
}

absl::Status Conversation::Run(std::string_view param_block) {
  start_ = io_.Now();
  t_->mode = mode_;
  t_->pipeline = opts_.pipeline;
  t_->param_block = std::string(param_block.substr(0, kMaxExcerptBytes));
  t_->param_block_size = param_block.size();
  QueueBytes(param_block);
  if (IsMap() && opts_.settle.count() > 0)
    PumpUntil([&] { return io_.exited() || Stopped(); }, opts_.settle, false);
  SendPairs();
  Finish();
  t_->duration = Elapsed();
  return status_;
}

}  // namespace

absl::Status Converse(ProcessIo& io, Mode mode, std::string_view param_block,
                      const PairSource& input, const ListSink& on_list, const LogSink& on_log,
                      const DriverOptions& options, Transcript* t) {
  *t = Transcript{};
  Conversation c(io, mode, input, on_list, on_log, options, t);
  return c.Run(param_block);
}

}  // namespace dxt::harness
