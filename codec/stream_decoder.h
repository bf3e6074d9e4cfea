// Incremental decoding of a whole byte stream (a program's stdin or stdout), fed in arbitrary
// chunks - one byte at a time included - yielding exactly the events of one-shot decoding.
#ifndef DXT_CODEC_STREAM_DECODER_H_
#define DXT_CODEC_STREAM_DECODER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "codec/kv_frame.h"
#include "codec/wire_format.h"

namespace dxt::codec {

enum class StreamGrammar {
  kPairs,            // pair frame*              (reduce input, framed files)
  kResultLists,      // result list*             (program stdout)
  kParamsThenPairs,  // parameter block, pair*   (what a program reads on stdin)
};

struct StreamEvent {
  enum class Type { kParams, kListStart, kPair, kListEnd };
  Type type = Type::kPair;
  std::string_view body;      // kParams: the raw block body
  PairView pair;              // kPair
  uint32_t count = 0;         // kListStart: announced count
  uint64_t offset = 0;        // stream offset of the item's first byte
  uint64_t pair_index = 0;    // kPair: index among all pairs of the stream
  uint64_t list_index = 0;    // kListStart/kListEnd/kPair inside a list: index of the list
  friend bool operator==(const StreamEvent&, const StreamEvent&) = default;
};

// Owned copy of an event, for comparing streams (tests, fuzzers).
struct OwnedEvent {
  StreamEvent::Type type;
  std::string a, b;  // kParams: a = body; kPair: a = key, b = value
  uint32_t count = 0;
  uint64_t offset = 0;
  friend bool operator==(const OwnedEvent&, const OwnedEvent&) = default;
};
OwnedEvent ToOwned(const StreamEvent& e);

// A stream error as data: every fact its text is rendered from (Describe), for callers that act
// on them (numbers travel as numbers; nobody parses the text again).
struct StreamError {
  enum class Kind {
    kNone,       // no error
    kInvalid,    // bytes that can never become valid (InvalidArgument)
    kOverLimit,  // a length or count above the limits (OutOfRange), nothing allocated for it
    kTruncated,  // the stream ended inside an item (DataLoss, R3.3)
  };
  enum class Item { kParams, kListHeader, kPair };  // what was expected there
  // The part of the item concerned.
  enum class Field {
    kNone,
    kParamLength,  // the block's decimal length (and its "\n")
    kParamBody,
    kCount,  // a result list's count
    kKeyLength,
    kKey,
    kValueLength,
    kValue,
    kBetweenPairs,  // kTruncated only: inside a result list, at a pair boundary
  };
  Kind kind = Kind::kNone;
  Item item = Item::kPair;
  Field field = Field::kNone;
  uint64_t offset = 0;      // stream offset of the offending byte (kTruncated: end of stream)
  uint64_t item_start = 0;  // stream offset of the first byte of the item concerned
  uint64_t pair_index = 0;  // pairs decoded before it: the index of the pair concerned
  uint64_t list_index = 0;  // lists completed before it: the index of the list concerned
  uint64_t claimed = 0;     // kOverLimit: the length or count the stream claimed
  uint64_t limit = 0;       // kOverLimit: the limit it exceeds
  // kTruncated: bytes of `field` that arrived, of `need` (kParamLength: digits, need unknown = 0;
  // kBetweenPairs: pairs of the list that arrived, of its count).
  uint64_t have = 0;
  uint64_t need = 0;
  std::string reason;  // kInvalid only: the syntax the bytes break, as the codec words it
  bool ok() const { return kind == Kind::kNone; }
  friend bool operator==(const StreamError&, const StreamError&) = default;
};

// The error's text, e.g. "offset 12: pair 3: value length 5000000000 exceeds limit 1073741824
// (R3.2)" or "offset 40: stream ended inside pair 2 (value: have 3 of 10 bytes) (R3.3)".
std::string Describe(const StreamError& e);
// OK for kNone; otherwise InvalidArgument / OutOfRange / DataLoss by kind, with Describe(e).
absl::Status ToStatus(const StreamError& e);

class StreamDecoder {
 public:
  // Views in an event are valid only during the sink call.
  using Sink = std::function<void(const StreamEvent&)>;

  explicit StreamDecoder(StreamGrammar grammar, Limits limits = {});

  // Consumes `chunk`, delivering every event it completes. After an error every later call
  // returns the same error: ToStatus(error()), InvalidArgument/OutOfRange naming the stream
  // offset, the item and the rule. Memory: at most one item (bounded by the limits) is buffered.
  absl::Status Feed(std::string_view chunk, const Sink& sink);

  // End of stream. OK at an item boundary; otherwise DataLoss naming what was truncated and where
  // (R3.3): ToStatus(error()).
  absl::Status Finish();

  // The first error as data (kind kNone while Feed and Finish have returned OK).
  const StreamError& error() const;

  uint64_t offset() const;          // bytes accepted so far
  bool at_boundary() const;         // true when no item is partially received
  uint64_t pairs_decoded() const;
  uint64_t lists_decoded() const;   // completed lists (kResultLists)

 private:
  struct State;
  std::shared_ptr<State> state_;
};

// One-shot decoding of a complete stream, the reference the StreamDecoder must match.
// Returns the events and the final status (the same status Feed-then-Finish would give).
struct DecodedStream {
  std::vector<OwnedEvent> events;
  absl::Status status;
  StreamError error;  // the same error as data
};
DecodedStream DecodeWholeStream(std::string_view all, StreamGrammar grammar, Limits limits = {});

}  // namespace dxt::codec

#endif  // DXT_CODEC_STREAM_DECODER_H_
