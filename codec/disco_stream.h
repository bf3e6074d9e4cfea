// Disco result streams (layout in disco_format.h): hunks in and out, and the old text layout.
// Pure: byte spans in, values out; zlib is the only dependency.
#ifndef DXT_CODEC_DISCO_STREAM_H_
#define DXT_CODEC_DISCO_STREAM_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "codec/decoded.h"
#include "codec/disco_format.h"
#include "codec/disco_pickle.h"
#include "codec/kv_frame.h"

namespace dxt::codec {

// One hunk: the header's fields and the payload as stored (views into the caller's buffer).
struct DiscoHunkView {
  bool compressed = false;
  uint32_t crc32 = 0;
  std::string_view payload;
};

// Decodes the hunk at the start of `in`.
//  kOk: consumed = 14 + payload length.
//  kIncomplete: `in` is a proper prefix of a hunk.
//  kInvalid: error_offset 0 for a first byte other than 0x81, 1 for a flag other than 0/1, 6 for
//    a payload length over limits.max_hunk_size (refused before its bytes arrive).
Decoded<DiscoHunkView> DecodeDiscoHunk(std::string_view in, const DiscoLimits& limits = {});

// The records of a hunk: inflated when compressed (at most limits.max_hunk_size bytes), then
// checked against the CRC-32. Replaces *records. DataLoss with the reason (zlib's message, bytes
// after the zlib stream, "CRC-32 mismatch: header 0x..., records 0x...") or OutOfRange when the
// records exceed the limit. The text names no offset: the caller knows where the hunk is.
absl::Status DiscoHunkRecords(const DiscoHunkView& hunk, const DiscoLimits& limits,
                              std::string* records);

// One pair of the old text layout at the start of `in`:
//   <decimal len(key)> " " <key> " " <decimal len(value)> " " <value> "\n"
//  kOk: views into `in`. kIncomplete: a proper prefix. kInvalid: a length that is not 1 to 10
//  digits followed by a space, a length over max_item_size, a missing " " or "\n" separator;
//  error_offset is the offending byte.
Decoded<PairView> DecodeDiscoTextPair(std::string_view in, uint64_t max_item_size = kDefaultMaxItemSize);

// Which layout a stream uses, from its first byte.
enum class DiscoLayout { kUnknown, kHunks, kText };

// Incremental reader of a whole Disco result stream, fed in any chunks. The layout is fixed by the
// first byte: >= 0x80 hunks (each must start with 0x81), < 0x80 the text layout.
class DiscoStreamDecoder {
 public:
  explicit DiscoStreamDecoder(DiscoLimits limits = {}) : limits_(limits) {}

  // Appends bytes. Memory: the unread bytes, at most one hunk's payload and its records.
  void Feed(std::string_view chunk);
  // kOk: the next pair (views valid until the next call to Next or Feed). kIncomplete: feed more,
  // or call Finish at end of input. kInvalid (sticky): error_offset is the stream offset of the
  // hunk (or text pair) at fault and reason names it, e.g.
  //   "hunk at offset 22: record 3 (byte 77 of its records): opcode 0x63 ..."
  //   "hunk at offset 0: CRC-32 mismatch: header 0x00000000, records 0x3610a686".
  Decoded<PairView> Next();
  // At end of input: OK when the stream ended cleanly (nothing at all; after a terminator hunk
  // with no record pending; after a whole text pair). Otherwise DataLoss naming the offset, e.g.
  // "offset 40: stream ends inside a hunk (have 20 of 36 bytes)", "offset 22: stream ends
  // without its terminator hunk". Call only after Next answered kIncomplete.
  absl::Status Finish() const;

  DiscoLayout layout() const { return layout_; }
  uint64_t records() const { return records_read_; }  // pairs returned so far
  uint64_t offset() const { return consumed_; }        // stream bytes consumed by whole items

 private:
  Decoded<PairView> Fail(std::string reason, uint64_t offset);
  Decoded<PairView> NextRecord();

  DiscoLimits limits_;
  DiscoLayout layout_ = DiscoLayout::kUnknown;
  std::string buffer_;      // unread stream bytes from buffer_pos_
  size_t buffer_pos_ = 0;
  uint64_t consumed_ = 0;   // stream offset of buffer_[buffer_pos_]
  std::string records_;     // the current hunk's records
  size_t record_pos_ = 0;
  uint64_t hunk_offset_ = 0;
  uint64_t hunk_record_ = 0;  // index of the next record within the hunk
  bool terminated_ = false;   // the last hunk read was a terminator (no records)
  DiscoRecord record_;
  std::string error_;
  uint64_t error_offset_ = 0;
  bool failed_ = false;
  uint64_t records_read_ = 0;
};

// Appends one hunk holding `records` (zlib level 2 when compress). Internal if zlib fails.
absl::Status AppendDiscoHunk(std::string* out, std::string_view records, bool compress = true);

// Writes a stream as Disco's DiscoOutputStream_v1 does, records pickled by
// AppendPickledBytesRecord.
class DiscoStreamEncoder {
 public:
  explicit DiscoStreamEncoder(bool compress = true) : compress_(compress) {}
  // Adds a record; once the pending records exceed 1 MiB, appends their hunk to *out.
  absl::Status Add(std::string_view key, std::string_view value, std::string* out);
  // Appends the pending hunk (if any records) and the terminator hunk. Call once.
  absl::Status Finish(std::string* out);

 private:
  bool compress_;
  std::string records_;
};

}  // namespace dxt::codec

#endif  // DXT_CODEC_DISCO_STREAM_H_
