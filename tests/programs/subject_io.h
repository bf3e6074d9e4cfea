// Raw protocol helpers for the harness's test subjects (tests/programs/*.cc).
//
// The subjects imitate third-party external programs, so they deliberately do NOT use dxt's codec
// or program library: everything here is plain read(2)/write(2) on fds 0, 1 and 2, the way a
// hand-written C program for Disco would do it. Wire format: docs/PROTOCOL.md R2 (parameter
// block), R3 (pair frame), R4 (result list), R7 (log lines).
//
// Every helper is unbuffered: a byte written by Write* is in the pipe when the call returns.
#ifndef DXT_TESTS_PROGRAMS_SUBJECT_IO_H_
#define DXT_TESTS_PROGRAMS_SUBJECT_IO_H_

#include <errno.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

namespace subject {

enum class Mode { kMap, kReduce };

// Parses argv[1] ("map" or "reduce"); exits 2 with a message on stderr otherwise (R1.1).
inline Mode ParseMode(int argc, char** argv) {
  if (argc >= 2 && std::strcmp(argv[1], "map") == 0) return Mode::kMap;
  if (argc >= 2 && std::strcmp(argv[1], "reduce") == 0) return Mode::kReduce;
  static constexpr char kUsage[] = "**<ERR> usage: PROGRAM map|reduce\n";
  (void)!write(2, kUsage, sizeof(kUsage) - 1);
  std::exit(2);
}

// Writes all of `data` to `fd`, retrying short writes. Returns false on error (e.g. EPIPE).
inline bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// Reads exactly `n` bytes. Returns the number read: n on success, less on end-of-input or error.
inline size_t ReadExact(int fd, char* out, size_t n) {
  size_t done = 0;
  while (done < n) {
    ssize_t r = read(fd, out + done, n - done);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    done += static_cast<size_t>(r);
  }
  return done;
}

inline void AppendU32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

// Appends one pair frame (R3.1) to `out`.
inline void AppendPair(std::string& out, std::string_view key, std::string_view value) {
  AppendU32(out, static_cast<uint32_t>(key.size()));
  out.append(key);
  AppendU32(out, static_cast<uint32_t>(value.size()));
  out.append(value);
}

// A one-pair result list (R4.1), as a byte string.
inline std::string OnePairList(std::string_view key, std::string_view value) {
  std::string out;
  AppendU32(out, 1);
  AppendPair(out, key, value);
  return out;
}

// Reads the parameter block exactly (R2.1, R2.3): decimal length, "\n", then that many bytes.
// Reads one byte at a time so that nothing after the block is consumed. Returns false when the
// block is malformed or stdin ends early.
inline bool ReadParams(std::string* body) {
  uint64_t length = 0;
  size_t digits = 0;
  for (;;) {
    char c;
    if (ReadExact(0, &c, 1) != 1) return false;
    if (c == '\n') break;
    if (c < '0' || c > '9' || ++digits > 12) return false;
    length = length * 10 + static_cast<uint64_t>(c - '0');
  }
  if (digits == 0) return false;
  body->resize(length);
  return ReadExact(0, body->data(), length) == length;
}

inline bool ReadU32(uint32_t* v, bool* clean_eof) {
  unsigned char b[4];
  size_t n = ReadExact(0, reinterpret_cast<char*>(b), 4);
  if (clean_eof != nullptr) *clean_eof = (n == 0);
  if (n != 4) return false;
  *v = uint32_t{b[0]} | uint32_t{b[1]} << 8 | uint32_t{b[2]} << 16 | uint32_t{b[3]} << 24;
  return true;
}

enum class ReadResult { kPair, kEnd, kTruncated };

// Reads one pair frame from stdin. kEnd = clean end-of-input at a pair boundary. Trusts the
// claimed lengths (these subjects only ever talk to a driver), but caps them at 1 GiB (R3.2).
inline ReadResult ReadPair(std::string* key, std::string* value) {
  bool clean_eof = false;
  uint32_t len;
  if (!ReadU32(&len, &clean_eof)) return clean_eof ? ReadResult::kEnd : ReadResult::kTruncated;
  if (len > (uint32_t{1} << 30)) return ReadResult::kTruncated;
  key->resize(len);
  if (ReadExact(0, key->data(), len) != len) return ReadResult::kTruncated;
  if (!ReadU32(&len, nullptr) || len > (uint32_t{1} << 30)) return ReadResult::kTruncated;
  value->resize(len);
  if (ReadExact(0, value->data(), len) != len) return ReadResult::kTruncated;
  return ReadResult::kPair;
}

// Writes a log line on stderr exactly as given (callers include the prefix and the "\n").
inline void Log(std::string_view line) { WriteAll(2, line); }

// Reads and discards stdin until end-of-input.
inline void DrainStdin() {
  char buf[65536];
  while (true) {
    ssize_t r = read(0, buf, sizeof buf);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return;
  }
}

// The conforming echo conversation both modes share: after the parameter block, answer each pair
// with a one-pair list holding the same pair, written at once (R5.2; also valid for R6.2).
// Returns 0 on a clean end of input, 1 on a truncated or unreadable input (with an ERR line).
inline int EchoAfterParams() {
  std::string key, value;
  for (;;) {
    ReadResult r = ReadPair(&key, &value);
    if (r == ReadResult::kEnd) return 0;
    if (r == ReadResult::kTruncated) {
      Log("**<ERR> truncated input pair\n");
      return 1;
    }
    if (!WriteAll(1, OnePairList(key, value))) return 1;
  }
}

// Reads the parameter block, then calls answer(key, value) for each input pair until
// end-of-input; answer returns false to stop (a write failed). Returns 0 on a clean end, 1 on a
// bad block, a truncated pair or a stop. For subjects that answer pairs their own (wrong) way.
template <typename Answer>
int ForEachPair(Answer answer) {
  std::string params, key, value;
  if (!ReadParams(&params)) return 1;
  for (;;) {
    const ReadResult r = ReadPair(&key, &value);
    if (r == ReadResult::kEnd) return 0;
    if (r == ReadResult::kTruncated || !answer(key, value)) return 1;
  }
}

// ReadParams + EchoAfterParams, with an ERR line if the parameter block is bad.
inline int Echo() {
  std::string params;
  if (!ReadParams(&params)) {
    Log("**<ERR> bad parameter block\n");
    return 1;
  }
  return EchoAfterParams();
}

}  // namespace subject

#endif  // DXT_TESTS_PROGRAMS_SUBJECT_IO_H_
