// Files of pair frames (SPEC R3.1, no list headers): job outputs, intermediate map outputs, sort
// runs and `kv` inputs. Buffered, binary-safe, bounded memory.
#ifndef DXT_REFERENCE_EXECUTOR_FRAMED_FILE_H_
#define DXT_REFERENCE_EXECUTOR_FRAMED_FILE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "codec/disco_stream.h"
#include "codec/wire_format.h"

namespace dxt::executor {

// A read-only file behind a plain descriptor (O_CLOEXEC) and a private buffer. No stdio: a forked
// child that fails to exec runs exit(), which flushes and re-seeks every stdio stream it inherited,
// moving the offsets this process shares with it; a raw descriptor gives it nothing to touch.
class ByteReader {
 public:
  // NotFound when `path` cannot be opened.
  static absl::StatusOr<std::unique_ptr<ByteReader>> Open(const std::string& path,
                                                          size_t buffer_size = 1 << 20);
  // Reads an already open descriptor (stdin, say), named `name` in errors; closes it at the end.
  static std::unique_ptr<ByteReader> Adopt(int fd, std::string name, size_t buffer_size = 1 << 20);
  ~ByteReader();
  ByteReader(const ByteReader&) = delete;
  ByteReader& operator=(const ByteReader&) = delete;

  // Appends up to `n` bytes to `out`; fewer only at end of file. Internal on a read error (EIO,
  // EISDIR, ...): a read error is never taken for the end of the file.
  absl::StatusOr<size_t> Append(std::string* out, size_t n);
  // Appends what is available, at most `n` bytes and at least 1, waiting only when nothing is;
  // 0 at end of file. For streams (a pipe on stdin) that must be handled as they arrive.
  absl::StatusOr<size_t> AppendAvailable(std::string* out, size_t n);
  // Replaces `line` with the next line including its "\n" (the last line may lack it); false at
  // end of file. Lines may hold any byte, NUL included.
  absl::StatusOr<bool> ReadLine(std::string* line);
  // The bytes read ahead and not yet taken (no read happens), and taking `n` of them.
  std::string_view Buffered() const { return {buffer_.get() + begin_, end_ - begin_}; }
  void Skip(size_t n) { begin_ += n; }

 private:
  ByteReader() = default;
  absl::Status Fill();  // refills buffer_ when it is exhausted; eof_ at end

  std::string path_;
  int fd_ = -1;
  std::unique_ptr<char[]> buffer_;
  size_t capacity_ = 0, begin_ = 0, end_ = 0;
  bool eof_ = false;
};

// Appends pairs to a new file, counting pairs and bytes and optionally hashing them: as pair
// frames, or (disco) as Disco's DiscoOutputStream_v1 (zlib hunks of pickled records, closed by
// the terminator hunk; codec/disco_format.h).
class FramedWriter {
 public:
  // Creates (truncates) `path`. Internal error when the file cannot be opened.
  static absl::StatusOr<std::unique_ptr<FramedWriter>> Create(const std::string& path,
                                                              bool sha256 = false,
                                                              bool disco = false);
  ~FramedWriter();
  FramedWriter(const FramedWriter&) = delete;
  FramedWriter& operator=(const FramedWriter&) = delete;

  // InvalidArgument for a string over UINT32_MAX bytes; Internal on a write error.
  absl::Status Add(std::string_view key, std::string_view value);
  // Flushes and closes; Internal on a write error. Further Adds are errors.
  absl::Status Close();

  uint64_t pairs() const { return pairs_; }
  uint64_t bytes() const { return bytes_; }  // bytes of the file
  const std::string& path() const { return path_; }
  // Lowercase hex SHA-256 of the whole file; valid after Close() when created with sha256.
  const std::string& sha256_hex() const { return sha256_hex_; }

 private:
  FramedWriter() = default;
  absl::Status FlushBuffer();
  absl::Status AddLarge(std::string_view key, std::string_view value);
  absl::Status WriteOut(std::string_view data);  // hashes and writes

  std::string path_;
  int fd_ = -1;
  void* md_ctx_ = nullptr;  // EVP_MD_CTX*, kept opaque here
  std::string buffer_;
  uint64_t pairs_ = 0;
  uint64_t bytes_ = 0;
  std::string sha256_hex_;
  std::unique_ptr<codec::DiscoStreamEncoder> disco_;  // set when writing Disco's format
};

// What an output index promises about one part file (OutputFile in output.h).
struct FramedFileDigest {
  uint64_t pairs = 0;
  uint64_t bytes = 0;
  std::string sha256;  // lowercase hex
};

// Checks one part file against its FramedFileDigest while a reader goes through it, whatever the
// part's format (pair frames or Disco's): the size when it starts, then every byte read is hashed,
// and at the end the pair count, the byte count and the SHA-256 must agree. Each failure is
// DataLoss "<file>: <what differs>, its index says <...> (the file was changed after dxt run
// wrote it)".
class IndexVerifier {
 public:
  // DataLoss when the file's size is not the index's (truncated or grown); Internal when it
  // cannot be stat'ed.
  static absl::StatusOr<std::unique_ptr<IndexVerifier>> Start(const std::string& path,
                                                              FramedFileDigest expect);
  ~IndexVerifier();
  IndexVerifier(const IndexVerifier&) = delete;
  IndexVerifier& operator=(const IndexVerifier&) = delete;

  void Update(std::string_view bytes);  // the next bytes of the file, in order
  // At the reader's clean end: `pairs` decoded from `bytes` read.
  absl::Status Finish(uint64_t pairs, uint64_t bytes);
  // A decoding error before the end of a file the index vouches for: the same error, saying the
  // file no longer matches its index.
  absl::Status Explain(const absl::Status& error) const;

 private:
  IndexVerifier() = default;
  std::string path_;
  FramedFileDigest expect_;
  void* md_ctx_ = nullptr;  // EVP_MD_CTX*
};

// Reads pair frames back one at a time.
class FramedReader {
 public:
  // NotFound when `path` cannot be opened. `buffer_size` is the read buffer (merge fan-in uses
  // small ones). With `expect`, the file is verified against it while it is read: DataLoss
  // naming the file and what differs when its size differs (at Open), or when at its end the pair
  // count or SHA-256 differs (Next fails instead of answering false).
  static absl::StatusOr<std::unique_ptr<FramedReader>> Open(
      const std::string& path, size_t buffer_size = 1 << 20, codec::Limits limits = {},
      std::optional<FramedFileDigest> expect = std::nullopt);
  ~FramedReader();
  FramedReader(const FramedReader&) = delete;
  FramedReader& operator=(const FramedReader&) = delete;

  // true: `key`/`value` hold the next pair. false: clean end of file. DataLoss when the file ends
  // inside a pair (R3.3), OutOfRange for a length over limits.max_item_size (R3.2); the text names
  // the file, the byte offset and the pair index. Memory grows only as bytes actually arrive.
  absl::StatusOr<bool> Next(std::string* key, std::string* value);

  uint64_t pairs_read() const { return pairs_; }
  const std::string& path() const { return path_; }

 private:
  FramedReader() = default;
  absl::StatusOr<bool> ReadString(std::string* out, const char* what, bool at_pair_start);

  std::string path_;
  std::unique_ptr<ByteReader> in_;
  std::string prefix_;
  codec::Limits limits_;
  uint64_t offset_ = 0;
  uint64_t pairs_ = 0;
  std::optional<uint64_t> file_size_;  // a regular file's size at Open
  std::unique_ptr<IndexVerifier> verifier_;  // with `expect`, until the end is verified
};

}  // namespace dxt::executor

#endif  // DXT_REFERENCE_EXECUTOR_FRAMED_FILE_H_
