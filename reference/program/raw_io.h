// Unbuffered-stdio-free byte I/O on raw file descriptors for external programs: read(2) and
// write(2) only, retrying EINTR and waiting out EAGAIN, so nothing sits in a hidden stdio buffer.
#ifndef DXT_REFERENCE_PROGRAM_RAW_IO_H_
#define DXT_REFERENCE_PROGRAM_RAW_IO_H_

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace dxt::program {

// A growable read buffer over one file descriptor (normally 0). Bytes read but not yet consumed
// are available(); Consume() marks a prefix as used. Memory never moves except inside Fill().
class InputBuffer {
 public:
  explicit InputBuffer(int fd);
  ~InputBuffer();
  InputBuffer(const InputBuffer&) = delete;
  InputBuffer& operator=(const InputBuffer&) = delete;

  // Bytes read and not yet consumed. The view (and views into it) stay valid until Fill().
  std::string_view available() const {
    return std::string_view(buf_ + begin_, end_ - begin_);
  }
  // Marks the first `n` (<= available().size()) bytes as used.
  void Consume(size_t n);
  // Stream offset of available().front(), i.e. bytes consumed so far.
  uint64_t offset() const { return consumed_; }

  // Performs one read(2) of at most `max_bytes` (> 0) new bytes and appends them to available().
  // Returns the number of bytes read; 0 means end of input. Only waits until *some* bytes exist,
  // never for `max_bytes` of them. Invalidates earlier views.
  // Errors: Internal naming errno when read(2) fails.
  absl::StatusOr<size_t> Fill(size_t max_bytes = std::numeric_limits<size_t>::max());

 private:
  int fd_;
  // Grown with realloc(3): a large block's pages move instead of being copied (and nothing is
  // zero-filled), so a 1 GiB pair is resident once, not up to three times over.
  char* buf_ = nullptr;
  size_t cap_ = 0;
  size_t begin_ = 0;  // first unconsumed byte
  size_t end_ = 0;    // one past the last byte read
  uint64_t consumed_ = 0;
};

// Writes all of `bytes` to `fd`, retrying short writes and EINTR (and polling on EAGAIN for a
// non-blocking fd). Returns when the bytes are in the kernel (there is no user-space buffer).
// Errors: Unavailable for EPIPE (the reader has gone), Internal naming errno otherwise.
absl::Status WriteAll(int fd, std::string_view bytes);

}  // namespace dxt::program

#endif  // DXT_REFERENCE_PROGRAM_RAW_IO_H_
