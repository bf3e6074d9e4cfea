// Disco's own result files (codec/disco_format.h) read pair by pair, for `map_reader: "disco"`,
// chained outputs written with `output_format: "disco"`, and `dxt cat`.
#ifndef DXT_REFERENCE_EXECUTOR_DISCO_FILE_H_
#define DXT_REFERENCE_EXECUTOR_DISCO_FILE_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "codec/disco_stream.h"
#include "reference/executor/framed_file.h"

namespace dxt::executor {

class DiscoFileReader {
 public:
  // NotFound when `path` cannot be opened. With `expect` (a part of a dxt run output), the file is
  // verified against its index while it is read, as FramedReader does: DataLoss naming the file
  // and what differs when its size differs (at Open), when at its end the pair count or SHA-256
  // differs (Next fails instead of answering false), and for a decoding error on the way.
  static absl::StatusOr<std::unique_ptr<DiscoFileReader>> Open(
      const std::string& path, codec::DiscoLimits limits = {},
      std::optional<FramedFileDigest> expect = std::nullopt);
  // The same over bytes in memory (raw:// inputs); `name` is used in messages.
  static std::unique_ptr<DiscoFileReader> FromBytes(std::string name, std::string_view bytes,
                                                    codec::DiscoLimits limits = {});
  ~DiscoFileReader();

  // true: `key`/`value` hold the next pair; false: clean end (after the terminator hunk, or a
  // whole text pair). DataLoss for anything else, text "<file>: <reason>" naming the offset, e.g.
  // "out.disco: hunk at offset 22: CRC-32 mismatch: ...". Internal on a read error.
  absl::StatusOr<bool> Next(std::string* key, std::string* value);
  uint64_t pairs_read() const { return decoder_.records(); }

 private:
  DiscoFileReader(std::string name, codec::DiscoLimits limits) : name_(std::move(name)), decoder_(limits) {}
  absl::StatusOr<bool> Decode(std::string* key, std::string* value);  // Next, unverified

  std::string name_;
  std::unique_ptr<ByteReader> in_;  // null for in-memory bytes (all fed at once)
  codec::DiscoStreamDecoder decoder_;
  std::string chunk_;
  bool eof_ = false;
  uint64_t bytes_read_ = 0;
  std::unique_ptr<IndexVerifier> verifier_;  // with `expect`, until the end is verified
};

// True when the file's first byte is 0x81, the marker of a DiscoOutputStream_v1 hunk.
bool StartsWithDiscoHunk(const std::string& path);

}  // namespace dxt::executor

#endif  // DXT_REFERENCE_EXECUTOR_DISCO_FILE_H_
