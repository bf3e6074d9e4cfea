// LogLineSplitter (SPEC R7) fed in fuzzer-chosen chunks must deliver exactly the lines a plain
// split of the whole stream on "\n" gives, classified like ClassifyLogLine, truncated at max_line.
//
// Input layout: byte 0 -> max_line (8..263), byte 1 -> number of chunk-size bytes k (0..15),
// then k chunk sizes (0..255, used cyclically; 0 feeds an empty chunk), then the stderr stream.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "codec/log_line.h"
#include "codec/wire_format.h"
#include "fuzz/fuzz_check.h"
#include "fuzz/fuzz_input.h"

namespace {

using dxt::codec::LogKind;
using dxt::codec::LogLine;

struct OwnedLine {
  LogKind kind;
  std::string text, raw;
  uint64_t offset;
  bool truncated;
  friend bool operator==(const OwnedLine&, const OwnedLine&) = default;
};

// What ClassifyLogLine must say about one complete line (R7.1, R7.3).
void CheckClassify(std::string_view line) {
  const LogLine c = dxt::codec::ClassifyLogLine(line);
  DXT_FUZZ_CHECK(c.raw == line);
  const std::string_view prefix = line.substr(0, dxt::codec::kLogPrefixSize);
  if (prefix == dxt::codec::kMsgPrefix || prefix == dxt::codec::kErrPrefix) {
    DXT_FUZZ_CHECK(c.kind == (prefix == dxt::codec::kMsgPrefix ? LogKind::kMsg : LogKind::kErr));
    std::string_view text = line.substr(dxt::codec::kLogPrefixSize);
    if (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    DXT_FUZZ_CHECK(c.text == text);
  } else {
    DXT_FUZZ_CHECK(c.kind == LogKind::kOther && c.text == line);
  }
}

// The reference: split the whole stream at once.
std::vector<OwnedLine> SplitWhole(std::string_view all, size_t max_line) {
  std::vector<OwnedLine> out;
  size_t start = 0;
  while (start < all.size()) {
    const size_t nl = all.find('\n', start);
    const bool terminated = nl != std::string_view::npos;
    const std::string_view line = all.substr(start, (terminated ? nl : all.size()) - start);
    const std::string_view kept = line.substr(0, max_line);
    OwnedLine l{LogKind::kUnterminated, "", std::string(kept), start, line.size() > max_line};
    if (terminated) {
      const LogLine c = dxt::codec::ClassifyLogLine(kept);
      l.kind = c.kind;
      l.text = std::string(c.text);
    }
    out.push_back(std::move(l));
    if (!terminated) break;
    start = nl + 1;
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  dxt::fuzz::FuzzInput input(data, size);
  const size_t max_line = 8 + input.TakeByte();
  std::vector<size_t> chunks;
  for (size_t k = input.TakeByte() % 16; k > 0; --k) chunks.push_back(input.TakeByte());
  if (chunks.empty()) chunks.push_back(1);
  const std::string_view stream = input.TakeRest();

  std::vector<OwnedLine> got;
  const auto sink = [&](const LogLine& l) {
    got.push_back({l.kind, l.kind == LogKind::kUnterminated ? "" : std::string(l.text),
                   std::string(l.raw), l.offset, l.truncated});
  };
  dxt::codec::LogLineSplitter splitter(max_line);
  size_t pos = 0;
  for (size_t i = 0; pos < stream.size(); ++i) {
    const size_t n = std::min(chunks[i % chunks.size()], stream.size() - pos);
    splitter.Feed(stream.substr(pos, n), sink);
    pos += n;
    if (n == 0 && i > 4 * chunks.size()) break;  // every chunk size is 0: feed the rest at once
  }
  if (pos < stream.size()) splitter.Feed(stream.substr(pos), sink);
  splitter.Finish(sink);

  DXT_FUZZ_CHECK(splitter.bytes_seen() == stream.size());
  DXT_FUZZ_CHECK(got == SplitWhole(stream, max_line));
  size_t start = 0;
  while (start <= stream.size()) {
    const size_t nl = stream.find('\n', start);
    if (nl == std::string_view::npos) break;
    CheckClassify(stream.substr(start, nl - start));
    start = nl + 1;
  }
  return 0;
}
