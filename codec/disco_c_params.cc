// A model of the original C library's read_parameters() (SPEC R2.5), after ext/disco.c:
//
//   read_parameters:
//     if (!fscanf(stdin, "%u", &len)) die("Couldn't parse parameter set size");
//     fgetc(stdin);                                   // meant to be the "\n"
//     while (bytes < len) {
//       read_netstr_entry(&key, &bytes);  read_netstr_entry(&value, &bytes);
//       JudySLIns(key) = value;                       // key is a C string: cut at NUL
//     }
//     if (bytes > len) die("Invalid parameter set size");
//
//   read_netstr_entry:
//     if (!fscanf(stdin, "%u %n", &len, &n)) die("Couldn't parse item length");
//     read len bytes;  if (len) fgetc(stdin); else --n;
//     *bytes += len + n + 1;
//
// glibc scanf "%u": skip isspace() bytes, an optional sign, then decimal digits converted with
// strtoul and stored into an unsigned int ('-' wraps modulo 2^32, overflow clamps to
// ULONG_MAX, i.e. 0xFFFFFFFF once truncated). No digit: matching failure, fscanf returns 0. End
// of input before a conversion: fscanf returns EOF, which `!fscanf` does not catch; the program
// then blocks or reads garbage, which this model reports as kStarved, like any other read past
// the end of `stream` (a pipe would block there).
#include "codec/disco_c_params.h"

#include <algorithm>
#include <optional>

namespace dxt::codec {
namespace {

bool IsCSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

enum class ScanResult { kConverted, kMatchFailure, kEndOfInput };

class StdinModel {
 public:
  explicit StdinModel(std::string_view stream) : stream_(stream) {}

  size_t pos() const { return pos_; }

  // fscanf("%u"): on kConverted `*value` is set and `*chars` counts the bytes consumed.
  ScanResult ScanUnsigned(uint32_t* value, size_t* chars) {
    const size_t start = pos_;
    while (pos_ < stream_.size() && IsCSpace(stream_[pos_])) ++pos_;
    if (pos_ == stream_.size()) return ScanResult::kEndOfInput;
    bool negative = false;
    if (stream_[pos_] == '+' || stream_[pos_] == '-') negative = stream_[pos_++] == '-';
    uint64_t v = 0;
    bool overflow = false;
    size_t digits = 0;
    while (pos_ < stream_.size() && stream_[pos_] >= '0' && stream_[pos_] <= '9') {
      const uint64_t d = static_cast<uint64_t>(stream_[pos_] - '0');
      if (v > (UINT64_MAX - d) / 10) overflow = true;
      v = v * 10 + d;
      ++pos_;
      ++digits;
    }
    // scanf cannot know the number ended until it sees a non-digit: at the end it would wait.
    if (pos_ == stream_.size()) return ScanResult::kEndOfInput;
    if (digits == 0) return ScanResult::kMatchFailure;  // the sign, if any, stays consumed
    if (overflow) {
      *value = UINT32_MAX;  // strtoul clamps to ULONG_MAX; the store truncates it
    } else {
      *value = static_cast<uint32_t>(negative ? (0 - v) : v);
    }
    *chars = pos_ - start;
    return ScanResult::kConverted;
  }

  // The " " directive before %n: skips any run of whitespace. false if it ran off the end.
  bool SkipSpaces(size_t* chars) {
    const size_t start = pos_;
    while (pos_ < stream_.size() && IsCSpace(stream_[pos_])) ++pos_;
    *chars += pos_ - start;
    return pos_ < stream_.size();
  }

  // fread / fgetc: false if the stream holds fewer than `n` more bytes.
  bool Read(uint64_t n, std::string_view* out) {
    if (stream_.size() - pos_ < n) return false;
    *out = stream_.substr(pos_, n);
    pos_ += n;
    return true;
  }

 private:
  std::string_view stream_;
  size_t pos_ = 0;
};

using Outcome = DiscoCParamsReading::Outcome;

// read_netstr_entry; nullopt on success, else the outcome that ends the reading.
std::optional<Outcome> ReadNetstrEntry(StdinModel* in, std::string_view* data, uint32_t* bytes,
                                       std::string* die_message) {
  uint32_t len = 0;
  size_t n = 0;
  switch (in->ScanUnsigned(&len, &n)) {
    case ScanResult::kEndOfInput:
      return Outcome::kStarved;
    case ScanResult::kMatchFailure:
      *die_message = "Couldn't parse item length";
      return Outcome::kDied;
    case ScanResult::kConverted:
      break;
  }
  if (!in->SkipSpaces(&n)) return Outcome::kStarved;
  if (!in->Read(len, data)) return Outcome::kStarved;
  std::string_view separator;
  if (len != 0) {
    if (!in->Read(1, &separator)) return Outcome::kStarved;
  } else {
    --n;
  }
  *bytes += len + static_cast<uint32_t>(n) + 1;  // unsigned arithmetic, as in C
  return std::nullopt;
}

void Insert(std::vector<std::pair<std::string, std::string>>* dict, std::string_view key,
            std::string_view value) {
  std::string c_key(key.substr(0, std::min(key.find('\0'), key.size())));
  for (auto& [k, v] : *dict) {
    if (k == c_key) {
      v = std::string(value);
      return;
    }
  }
  dict->emplace_back(std::move(c_key), std::string(value));
}

}  // namespace

DiscoCParamsReading ReadParamsLikeDiscoC(std::string_view stream) {
  DiscoCParamsReading r;
  StdinModel in(stream);
  auto finish = [&](Outcome outcome) {
    r.outcome = outcome;
    r.consumed = in.pos();
    return r;
  };
  uint32_t total = 0;
  size_t chars = 0;
  switch (in.ScanUnsigned(&total, &chars)) {
    case ScanResult::kEndOfInput:
      return finish(Outcome::kStarved);
    case ScanResult::kMatchFailure:
      r.die_message = "Couldn't parse parameter set size";
      return finish(Outcome::kDied);
    case ScanResult::kConverted:
      break;
  }
  std::string_view newline;
  if (!in.Read(1, &newline)) return finish(Outcome::kStarved);
  uint32_t bytes = 0;
  while (bytes < total) {
    std::string_view key, value;
    if (auto end = ReadNetstrEntry(&in, &key, &bytes, &r.die_message)) return finish(*end);
    if (auto end = ReadNetstrEntry(&in, &value, &bytes, &r.die_message)) return finish(*end);
    Insert(&r.dict, key, value);
  }
  if (bytes > total) {
    r.die_message = "Invalid parameter set size";
    return finish(Outcome::kDied);
  }
  return finish(Outcome::kOk);
}

}  // namespace dxt::codec
