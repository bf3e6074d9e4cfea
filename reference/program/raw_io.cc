#include "reference/program/raw_io.h"

#include <errno.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace dxt::program {
namespace {

// Every read asks the kernel for at least this much room, so a large pair arrives in few calls.
constexpr size_t kMinReadRoom = 64 * 1024;

// A driver may hand us a non-blocking pipe; sleeping in poll keeps the blocking semantics.
void WaitFor(int fd, short events) {
  pollfd p{fd, events, 0};
  while (poll(&p, 1, -1) < 0 && errno == EINTR) {
  }
}

}  // namespace

InputBuffer::InputBuffer(int fd) : fd_(fd) {}

InputBuffer::~InputBuffer() { std::free(buf_); }

void InputBuffer::Consume(size_t n) {
  n = std::min(n, end_ - begin_);
  begin_ += n;
  consumed_ += n;
}

absl::StatusOr<size_t> InputBuffer::Fill(size_t max_bytes) {
  if (max_bytes == 0) max_bytes = 1;
  const size_t want_room = std::min(max_bytes, kMinReadRoom);
  if (begin_ == end_) begin_ = end_ = 0;
  if (cap_ - end_ < want_room && begin_ > 0) {
    // Compacting only here keeps the "views live until Fill()" promise.
    std::memmove(buf_, buf_ + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (cap_ - end_ < want_room) {
    const size_t cap = std::max(cap_ * 2, end_ + want_room);
    void* grown = std::realloc(buf_, cap);
    if (grown == nullptr) {
      return absl::ResourceExhaustedError(
          absl::StrCat("cannot grow the input buffer to ", cap, " bytes"));
    }
    buf_ = static_cast<char*>(grown);
    cap_ = cap;
  }
  const size_t room = std::min(max_bytes, cap_ - end_);
  while (true) {
    const ssize_t n = read(fd_, buf_ + end_, room);
    if (n >= 0) {
      end_ += static_cast<size_t>(n);
      return static_cast<size_t>(n);
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      WaitFor(fd_, POLLIN);
      continue;
    }
    return absl::InternalError(absl::StrCat("read(fd ", fd_, ") at offset ",
                                            consumed_ + (end_ - begin_),
                                            " failed: ", std::strerror(errno)));
  }
}

absl::Status WriteAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = write(fd, bytes.data(), bytes.size());
    if (n >= 0) {
      bytes.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      WaitFor(fd, POLLOUT);
      continue;
    }
    if (errno == EPIPE) {
      return absl::UnavailableError(
          absl::StrCat("write(fd ", fd, "): the reader has gone (EPIPE)"));
    }
    return absl::InternalError(absl::StrCat("write(fd ", fd, ") failed: ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

}  // namespace dxt::program
