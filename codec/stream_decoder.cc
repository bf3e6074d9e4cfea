// Incremental decoding of whole streams. Grammars (see wire_format.h for the items):
//
//   kPairs            = *pair                        (R3.1)
//   kResultLists      = *(count count*pair)          (R4.1) - exactly `count` pairs per list
//   kParamsThenPairs  = param-block *pair            (R2.1, R3.1) - the block is always sent
//
// A stream must end at an item boundary (R3.3). The StreamDecoder decodes items straight from
// the fed chunk when they lie wholly inside it; only an item split across chunks is copied into
// one buffer, and only as many bytes as that item still needs, so at most one item is buffered.
// DecodeWholeStream is a separate, simple one-shot loop the StreamDecoder is tested against.
#include "codec/stream_decoder.h"

#include <algorithm>
#include <optional>

#include "absl/strings/str_cat.h"
#include "codec/item_buffer.h"
#include "codec/param_block.h"
#include "codec/result_list.h"

namespace dxt::codec {
namespace {

enum class Expect { kParams, kListHeader, kPair };

Expect FirstExpect(StreamGrammar grammar) {
  switch (grammar) {
    case StreamGrammar::kPairs:
      return Expect::kPair;
    case StreamGrammar::kResultLists:
      return Expect::kListHeader;
    case StreamGrammar::kParamsThenPairs:
      return Expect::kParams;
  }
  return Expect::kPair;
}

// Where the decoding stands between items; shared by both decoders so their texts agree.
struct Position {
  Expect expect = Expect::kPair;
  uint64_t item_start = 0;  // stream offset of the next (or partial) item
  uint64_t pairs = 0;       // pairs decoded so far
  uint64_t lists = 0;       // lists completed so far
  bool in_list = false;     // inside a result list whose pairs are still arriving
  uint32_t list_count = 0;  // announced count of the current list
  uint32_t list_remaining = 0;
  uint64_t list_start = 0;
};

StreamError::Item ItemOf(Expect expect) {
  switch (expect) {
    case Expect::kParams:
      return StreamError::Item::kParams;
    case Expect::kListHeader:
      return StreamError::Item::kListHeader;
    case Expect::kPair:
      break;
  }
  return StreamError::Item::kPair;
}

StreamError ErrorAt(const Position& at, StreamError::Kind kind, uint64_t offset) {
  StreamError e;
  e.kind = kind;
  e.item = ItemOf(at.expect);
  e.offset = offset;
  e.item_start = at.item_start;
  e.pair_index = at.pairs;
  e.list_index = at.lists;
  return e;
}

// The error a primitive decoder reported for the item at `at` (`d`: its Decoded answer).
template <typename D>
StreamError ItemFact(const Position& at, const D& d, const Limits& limits) {
  using F = StreamError::Field;
  StreamError e =
      ErrorAt(at, d.over_limit ? StreamError::Kind::kOverLimit : StreamError::Kind::kInvalid,
              at.item_start + d.error_offset);
  switch (at.expect) {
    case Expect::kParams:
      e.field = F::kParamLength;  // the only part of a block that can be invalid or over the limit
      e.limit = limits.max_item_size;
      break;
    case Expect::kListHeader:
      e.field = F::kCount;
      e.limit = limits.max_pairs_per_list;
      break;
    case Expect::kPair:
      // A pair fails only at a length: the key's is its first byte, the value's follows the key.
      e.field = d.error_offset == 0 ? F::kKeyLength : F::kValueLength;
      e.limit = limits.max_item_size;
      break;
  }
  if (d.over_limit) {
    e.claimed = d.claimed;
  } else {
    e.reason = d.reason;
  }
  return e;
}

// The stream ended inside the item at `at`, of which `partial` arrived; `end` is the stream's end.
StreamError TruncationFact(const Position& at, std::string_view partial, uint64_t end) {
  using F = StreamError::Field;
  StreamError e = ErrorAt(at, StreamError::Kind::kTruncated, end);
  const uint64_t n = partial.size();
  switch (at.expect) {
    case Expect::kParams: {
      const size_t nl = partial.find('\n');
      if (nl == std::string_view::npos) {
        e.field = F::kParamLength;
        e.have = n;
        return e;
      }
      uint64_t length = 0;  // digits already validated by DecodeParamBlock
      for (char c : partial.substr(0, nl)) length = length * 10 + static_cast<uint64_t>(c - '0');
      e.field = F::kParamBody;
      e.have = n - nl - 1;
      e.need = length;
      return e;
    }
    case Expect::kListHeader:
      e.field = F::kCount;
      e.have = n;
      e.need = kListHeaderSize;
      return e;
    case Expect::kPair:
      break;
  }
  if (n == 0) {
    e.field = F::kBetweenPairs;
    e.have = at.list_count - at.list_remaining;
    e.need = at.list_count;
  } else if (n < kLengthPrefixSize) {
    e.field = F::kKeyLength;
    e.have = n;
    e.need = kLengthPrefixSize;
  } else if (const uint64_t key_end = kLengthPrefixSize + LoadU32(partial.data()); n < key_end) {
    e.field = F::kKey;
    e.have = n - kLengthPrefixSize;
    e.need = key_end - kLengthPrefixSize;
  } else if (n < key_end + kLengthPrefixSize) {
    e.field = F::kValueLength;
    e.have = n - key_end;
    e.need = kLengthPrefixSize;
  } else {
    e.field = F::kValue;
    e.have = n - key_end - kLengthPrefixSize;
    e.need = LoadU32(partial.data() + key_end);
  }
  return e;
}

std::string HaveOf(const StreamError& e) {
  return absl::StrCat("have ", e.have, " of ", e.need, " bytes");
}

std::string TruncationText(const StreamError& e) {
  using F = StreamError::Field;
  const std::string prefix = absl::StrCat("offset ", e.item_start, ": stream ended ");
  switch (e.field) {
    case F::kParamLength:
      if (e.have == 0) return prefix + "before the parameter block (R2)";
      return prefix + "inside the parameter block length (R3.3)";
    case F::kParamBody:
      return absl::StrCat(prefix, "inside the parameter block (body: ", HaveOf(e), ") (R3.3)");
    case F::kCount:
      return absl::StrCat(prefix, "inside list ", e.list_index, " (count: ", HaveOf(e), ") (R3.3)");
    case F::kBetweenPairs:
      return absl::StrCat(prefix, "inside list ", e.list_index, " after ", e.have, " of ", e.need,
                          " pairs (R3.3)");
    case F::kKeyLength:
    case F::kKey:
    case F::kValueLength:
    case F::kValue:
    case F::kNone:
      break;
  }
  const char* what = e.field == F::kKeyLength     ? "key length"
                     : e.field == F::kKey         ? "key"
                     : e.field == F::kValueLength ? "value length"
                                                  : "value";
  return absl::StrCat(prefix, "inside pair ", e.pair_index, " (", what, ": ", HaveOf(e),
                      ") (R3.3)");
}

}  // namespace

std::string Describe(const StreamError& e) {
  using F = StreamError::Field;
  if (e.kind == StreamError::Kind::kNone) return "no error";
  if (e.kind == StreamError::Kind::kTruncated) return TruncationText(e);
  std::string where;
  switch (e.item) {
    case StreamError::Item::kParams:
      where = "parameter block";
      break;
    case StreamError::Item::kListHeader:
      where = absl::StrCat("list ", e.list_index);
      break;
    case StreamError::Item::kPair:
      where = absl::StrCat("pair ", e.pair_index);
      break;
  }
  std::string what;
  if (e.kind == StreamError::Kind::kInvalid) {
    what = e.reason;
  } else if (e.field == F::kParamLength) {
    what = absl::StrCat("parameter block length ", e.claimed, "... exceeds limit ", e.limit,
                        " (R2.1)");
  } else if (e.field == F::kCount) {
    what = absl::StrCat("list count ", e.claimed, " exceeds limit ", e.limit, " (R4.1)");
  } else {
    what = absl::StrCat(e.field == F::kKeyLength ? "key" : "value", " length ", e.claimed,
                        " exceeds limit ", e.limit, " (R3.2)");
  }
  return absl::StrCat("offset ", e.offset, ": ", where, ": ", what);
}

absl::Status ToStatus(const StreamError& e) {
  switch (e.kind) {
    case StreamError::Kind::kNone:
      return absl::OkStatus();
    case StreamError::Kind::kInvalid:
      return absl::InvalidArgumentError(Describe(e));
    case StreamError::Kind::kOverLimit:
      return absl::OutOfRangeError(Describe(e));
    case StreamError::Kind::kTruncated:
      return absl::DataLossError(Describe(e));
  }
  return absl::InternalError("unknown stream error kind");
}

namespace {

struct Step {
  DecodeStatus status = DecodeStatus::kIncomplete;
  size_t consumed = 0;
  std::optional<StreamError> fact;  // kInvalid only (optional: nothing to build per good item)
};

// Overwrites every field of `e` (a scratch event reused across items: value-initialising a fresh
// one per pair compiled to a `rep stos` that was half of the small-pair decode time).
void Reset(StreamEvent& e, StreamEvent::Type type, uint64_t offset) {
  e.type = type;
  e.body = {};
  e.pair = {};
  e.count = 0;
  e.offset = offset;
  e.pair_index = 0;
  e.list_index = 0;
}

// Decodes the item expected at `at` from the start of `in`, emits its events (built in the
// scratch `e`) and advances `at`.
template <typename Emit>
Step DecodeItem(Position& at, std::string_view in, const Limits& limits, StreamEvent& e,
                const Emit& emit) {
  Step step;
  auto fail = [&](const auto& d) {
    step.status = DecodeStatus::kInvalid;
    step.fact = ItemFact(at, d, limits);
    return step;
  };
  switch (at.expect) {
    case Expect::kParams: {
      Decoded<std::string_view> d = DecodeParamBlock(in, limits);
      if (d.invalid()) return fail(d);
      if (d.incomplete()) return step;
      Reset(e, StreamEvent::Type::kParams, at.item_start);
      e.body = d.value;
      emit(e);
      at.expect = Expect::kPair;
      step.consumed = d.consumed;
      break;
    }
    case Expect::kListHeader: {
      Decoded<uint32_t> d = DecodeListHeader(in, limits);
      if (d.invalid()) return fail(d);
      if (d.incomplete()) return step;
      Reset(e, StreamEvent::Type::kListStart, at.item_start);
      e.count = d.value;
      e.list_index = at.lists;
      emit(e);
      at.list_start = at.item_start;
      at.list_count = at.list_remaining = d.value;
      if (d.value == 0) {
        e.type = StreamEvent::Type::kListEnd;
        emit(e);
        ++at.lists;
      } else {
        at.in_list = true;
        at.expect = Expect::kPair;
      }
      step.consumed = d.consumed;
      break;
    }
    case Expect::kPair: {
      Decoded<PairView> d = DecodePair(in, limits);
      if (d.invalid()) return fail(d);
      if (d.incomplete()) return step;
      Reset(e, StreamEvent::Type::kPair, at.item_start);
      e.pair = d.value;
      e.pair_index = at.pairs++;
      e.list_index = at.in_list ? at.lists : 0;
      emit(e);
      if (at.in_list && --at.list_remaining == 0) {
        Reset(e, StreamEvent::Type::kListEnd, at.list_start);
        e.count = at.list_count;
        e.list_index = at.lists++;
        emit(e);
        at.in_list = false;
        at.expect = Expect::kListHeader;
      }
      step.consumed = d.consumed;
      break;
    }
  }
  step.status = DecodeStatus::kOk;
  at.item_start += step.consumed;
  return step;
}

// Total size the partial item `buf` needs before its decoder can say more (> buf.size()).
uint64_t NextTarget(Expect expect, std::string_view buf) {
  switch (expect) {
    case Expect::kListHeader:
      return kListHeaderSize;
    case Expect::kParams: {
      const size_t nl = buf.find('\n');
      if (nl == std::string_view::npos) return buf.size() + 1;
      uint64_t length = 0;  // digits already validated by DecodeParamBlock
      for (char c : buf.substr(0, nl)) length = length * 10 + static_cast<uint64_t>(c - '0');
      return nl + 1 + length;
    }
    case Expect::kPair:
      break;
  }
  if (buf.size() < kLengthPrefixSize) return kLengthPrefixSize;
  const uint64_t key_end = kLengthPrefixSize + LoadU32(buf.data());
  if (buf.size() < key_end + kLengthPrefixSize) return key_end + kLengthPrefixSize;
  return key_end + kLengthPrefixSize + LoadU32(buf.data() + key_end);
}

}  // namespace

OwnedEvent ToOwned(const StreamEvent& e) {
  OwnedEvent o{e.type, {}, {}, e.count, e.offset};
  if (e.type == StreamEvent::Type::kParams) o.a = std::string(e.body);
  if (e.type == StreamEvent::Type::kPair) {
    o.a = std::string(e.pair.key);
    o.b = std::string(e.pair.value);
  }
  return o;
}

struct StreamDecoder::State {
  Limits limits;
  StreamEvent scratch;
  Position at;
  ItemBuffer buf;  // the one partial item, if any (grown without copying, item_buffer.h)
  uint64_t offset = 0;
  absl::Status error;
  StreamError fact;
};

StreamDecoder::StreamDecoder(StreamGrammar grammar, Limits limits)
    : state_(std::make_shared<State>()) {
  state_->limits = limits;
  state_->at.expect = FirstExpect(grammar);
}

absl::Status StreamDecoder::Feed(std::string_view chunk, const Sink& sink) {
  State& s = *state_;
  if (!s.error.ok()) return s.error;
  while (!chunk.empty()) {
    if (s.buf.empty()) {
      // Hot path: decode straight from the chunk.
      Step step = DecodeItem(s.at, chunk, s.limits, s.scratch, sink);
      if (step.status == DecodeStatus::kInvalid) {
        s.fact = std::move(*step.fact);
        return s.error = ToStatus(s.fact);
      }
      if (step.status == DecodeStatus::kIncomplete) {
        s.buf.Append(chunk, NextTarget(s.at.expect, chunk));  // a proper prefix of one item
        s.offset += chunk.size();
        return absl::OkStatus();
      }
      s.offset += step.consumed;
      chunk.remove_prefix(step.consumed);
      continue;
    }
    const uint64_t target = NextTarget(s.at.expect, s.buf.view());
    const size_t take = static_cast<size_t>(std::min<uint64_t>(target - s.buf.size(), chunk.size()));
    s.buf.Append(chunk.substr(0, take), target);
    s.offset += take;
    chunk.remove_prefix(take);
    Step step = DecodeItem(s.at, s.buf.view(), s.limits, s.scratch, sink);
    if (step.status == DecodeStatus::kInvalid) {
      s.fact = std::move(*step.fact);
      return s.error = ToStatus(s.fact);
    }
    if (step.status == DecodeStatus::kOk) s.buf.Clear();
  }
  return absl::OkStatus();
}

absl::Status StreamDecoder::Finish() {
  State& s = *state_;
  if (!s.error.ok()) return s.error;
  if (at_boundary()) return absl::OkStatus();
  s.fact = TruncationFact(s.at, s.buf.view(), s.offset);
  return s.error = ToStatus(s.fact);
}

const StreamError& StreamDecoder::error() const { return state_->fact; }

uint64_t StreamDecoder::offset() const { return state_->offset; }

bool StreamDecoder::at_boundary() const {
  const State& s = *state_;
  return s.buf.empty() && !s.at.in_list && s.at.expect != Expect::kParams;
}

uint64_t StreamDecoder::pairs_decoded() const { return state_->at.pairs; }
uint64_t StreamDecoder::lists_decoded() const { return state_->at.lists; }

DecodedStream DecodeWholeStream(std::string_view all, StreamGrammar grammar, Limits limits) {
  DecodedStream out;
  Position at;
  at.expect = FirstExpect(grammar);
  auto emit = [&](const StreamEvent& e) { out.events.push_back(ToOwned(e)); };
  StreamEvent scratch;
  size_t pos = 0;
  while (pos < all.size() || at.in_list || at.expect == Expect::kParams) {
    const std::string_view rest = all.substr(pos);
    Step step = DecodeItem(at, rest, limits, scratch, emit);
    if (step.status == DecodeStatus::kInvalid) {
      out.error = std::move(*step.fact);
      out.status = ToStatus(out.error);
      break;
    }
    if (step.status == DecodeStatus::kIncomplete) {
      out.error = TruncationFact(at, rest, all.size());
      out.status = ToStatus(out.error);
      break;
    }
    pos += step.consumed;
  }
  return out;
}

}  // namespace dxt::codec
