// Pair frames, result lists and log lines: vectors, prefixes, limits, mutations.
#include <string>
#include <vector>

#include "codec/kv_frame.h"
#include "codec/log_line.h"
#include "codec/result_list.h"
#include "gtest/gtest.h"

namespace dxt::codec {
namespace {

using namespace std::string_literals;

std::string U32(uint32_t v) {
  std::string s;
  AppendU32(&s, v);
  return s;
}

std::string Pair(std::string_view k, std::string_view v) {
  std::string s;
  EXPECT_TRUE(AppendPair(&s, k, v).ok());
  return s;
}

TEST(KvFrame, U32IsLittleEndian) {
  EXPECT_EQ(U32(0x04030201), "\x01\x02\x03\x04"s);
  EXPECT_EQ(LoadU32("\xff\xff\xff\xff"), 0xFFFFFFFFu);
  EXPECT_EQ(LoadU32("\x05\x00\x00\x00"), 5u);
}

TEST(KvFrame, EncodesByteForByte) {
  EXPECT_EQ(Pair("ab", "xyz"), "\x02\0\0\0ab\x03\0\0\0xyz"s);
  EXPECT_EQ(Pair("", ""), std::string(8, '\0'));
  EXPECT_EQ(PairFrameSize("ab", "xyz"), 13u);
}

TEST(KvFrame, RoundTripsBinaryAndEmpty) {
  const std::vector<std::pair<std::string, std::string>> cases = {{"", ""},
                                                                  {"k", ""},
                                                                  {"", "v"},
                                                                  {"\0\xff\n "s, "\xff\xfe\0\0"s},
                                                                  {std::string(300, 'x'), "y"}};
  for (const auto& [k, v] : cases) {
    const std::string frame = Pair(k, v) + "trailing";
    Decoded<PairView> d = DecodePair(frame);
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(d.value.key, k);
    EXPECT_EQ(d.value.value, v);
    EXPECT_EQ(d.consumed, 8 + k.size() + v.size());
  }
}

TEST(KvFrame, EveryProperPrefixIsIncomplete) {
  const std::string frame = Pair("key\0"s, "\xffvalue");
  for (size_t n = 0; n < frame.size(); ++n) {
    EXPECT_TRUE(DecodePair(std::string_view(frame).substr(0, n)).incomplete()) << n;
  }
  EXPECT_TRUE(DecodePair(frame).ok());
}

TEST(KvFrame, OneGibBoundaryWithoutAllocating) {
  const uint32_t gib = 1u << 30;
  EXPECT_TRUE(DecodePair(U32(gib)).incomplete());
  EXPECT_TRUE(DecodePair(U32(gib) + "abc").incomplete());
  Decoded<PairView> key_over = DecodePair(U32(gib + 1));
  ASSERT_TRUE(key_over.invalid());
  EXPECT_EQ(key_over.error_offset, 0u);
  EXPECT_EQ(key_over.reason, "key length 1073741825 exceeds limit 1073741824 (R3.2)");
  EXPECT_TRUE(DecodePair(U32(2) + "ab" + U32(gib)).incomplete());
  Decoded<PairView> value_over = DecodePair(U32(2) + "ab" + U32(gib + 1));
  ASSERT_TRUE(value_over.invalid());
  EXPECT_EQ(value_over.error_offset, 6u);
  EXPECT_NE(value_over.reason.find("value length 1073741825"), std::string::npos);
}

TEST(KvFrame, FourGibClaim) {
  Decoded<PairView> d = DecodePair(U32(0xFFFFFFFF) + "x");
  ASSERT_TRUE(d.invalid());
  EXPECT_EQ(d.error_offset, 0u);
  // With a limit that allows it, the claim is merely incomplete (nothing allocated).
  Limits huge{.max_item_size = UINT32_MAX};
  EXPECT_TRUE(DecodePair(U32(0xFFFFFFFF) + "x", huge).incomplete());
  EXPECT_TRUE(DecodePair(U32(0) + U32(0xFFFFFFFF), huge).incomplete());
}

TEST(KvFrame, CustomLimit) {
  Limits small{.max_item_size = 3};
  EXPECT_TRUE(DecodePair(Pair("abc", "def"), small).ok());
  EXPECT_TRUE(DecodePair(Pair("abcd", "d"), small).invalid());
  Decoded<PairView> d = DecodePair(Pair("a", "defg"), small);
  ASSERT_TRUE(d.invalid());
  EXPECT_EQ(d.error_offset, 5u);
}

TEST(ResultList, EncodesAndDecodes) {
  static const std::string kNul(1, '\0');
  std::vector<PairView> pairs = {{"a", "1"}, {"", ""}, {kNul, "\xff"}};
  std::string out;
  ASSERT_TRUE(AppendResultList(&out, pairs).ok());
  EXPECT_EQ(out.substr(0, 4), U32(3));
  EXPECT_EQ(out.size(), 4 + 8 * 3 + 1 + 1 + 1 + 1);
  const std::string with_rest = out + "rest";
  Decoded<ResultListView> d = DecodeResultList(with_rest);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d.consumed, out.size());
  EXPECT_EQ(d.value.pairs, pairs);
  for (size_t n = 0; n < out.size(); ++n) {
    EXPECT_TRUE(DecodeResultList(std::string_view(out).substr(0, n)).incomplete()) << n;
  }
}

TEST(ResultList, EmptyList) {
  Decoded<ResultListView> d = DecodeResultList(U32(0));
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d.value.pairs.empty());
  EXPECT_EQ(d.consumed, 4u);
}

TEST(ResultList, HugeCountIsOnlyIncomplete) {
  Decoded<ResultListView> d = DecodeResultList(U32(0xFFFFFFFF) + Pair("a", "b"));
  EXPECT_TRUE(d.incomplete());
  Limits few{.max_pairs_per_list = 2};
  Decoded<uint32_t> h = DecodeListHeader(U32(3), few);
  ASSERT_TRUE(h.invalid());
  EXPECT_EQ(h.error_offset, 0u);
}

TEST(ResultList, ErrorNamesPairAndOffset) {
  const std::string list = U32(2) + Pair("ab", "c") + U32(1) + "k" + U32(0xFFFFFFF0);
  Decoded<ResultListView> d = DecodeResultList(list);
  ASSERT_TRUE(d.invalid());
  EXPECT_EQ(d.error_offset, 4u + 11 + 5);
  EXPECT_EQ(d.reason.rfind("pair 1: value length 4294967280", 0), 0u) << d.reason;
}

TEST(Frames, SingleByteMutationsNeverCrash) {
  const std::string list = U32(2) + Pair("key", "value") + Pair("", "\xff\0"s);
  for (size_t i = 0; i < list.size(); ++i) {
    for (int b : {0x00, 0x01, 0x7f, 0x80, 0xff}) {
      std::string m = list;
      m[i] = static_cast<char>(b);
      Decoded<ResultListView> d = DecodeResultList(m);
      if (d.ok()) {
        EXPECT_LE(d.consumed, m.size());
      }
      if (d.invalid()) {
        EXPECT_LT(d.error_offset, m.size());
      }
      Decoded<PairView> p = DecodePair(m);
      if (p.ok()) {
        EXPECT_LE(p.consumed, m.size());
      }
    }
  }
}

TEST(AppendResultList, RejectsNothingSmall) {
  std::string out = "x";
  ASSERT_TRUE(AppendResultList(&out, {}).ok());
  EXPECT_EQ(out, "x" + U32(0));
}

// --- log lines ---

TEST(LogLine, Classifies) {
  struct Case {
    std::string line;
    LogKind kind;
    std::string text;
  };
  const std::vector<Case> cases = {
      {"**<MSG> hello", LogKind::kMsg, "hello"},
      {"**<MSG>hello", LogKind::kMsg, "hello"},
      {"**<MSG>  two", LogKind::kMsg, " two"},
      {"**<ERR> bad", LogKind::kErr, "bad"},
      {"**<ERR>", LogKind::kErr, ""},
      {"**<MSG ", LogKind::kOther, "**<MSG "},
      {"hello", LogKind::kOther, "hello"},
      {"", LogKind::kOther, ""},
      {" **<MSG>x", LogKind::kOther, " **<MSG>x"},
  };
  for (const Case& c : cases) {
    LogLine l = ClassifyLogLine(c.line);
    EXPECT_EQ(l.kind, c.kind) << c.line;
    EXPECT_EQ(l.text, c.text) << c.line;
    EXPECT_EQ(l.raw, c.line);
  }
  EXPECT_STREQ(LogKindName(LogKind::kUnterminated), "unterminated");
}

struct OwnedLine {
  LogKind kind;
  std::string text, raw;
  uint64_t offset;
  bool truncated;
  friend bool operator==(const OwnedLine&, const OwnedLine&) = default;
};

std::vector<OwnedLine> Split(std::string_view s, size_t chunk, size_t max_line = 64 * 1024) {
  std::vector<OwnedLine> out;
  LogLineSplitter splitter(max_line);
  auto sink = [&](const LogLine& l) {
    out.push_back({l.kind, std::string(l.text), std::string(l.raw), l.offset, l.truncated});
  };
  for (size_t i = 0; i < s.size(); i += chunk) splitter.Feed(s.substr(i, chunk), sink);
  splitter.Finish(sink);
  return out;
}

TEST(LogLineSplitter, SplitsAnyChunking) {
  const std::string err = "**<MSG> one\n**<ERR>two\nraw line\n\n**<MSG>last";
  const std::vector<OwnedLine> want = {
      {LogKind::kMsg, "one", "**<MSG> one", 0, false},
      {LogKind::kErr, "two", "**<ERR>two", 12, false},
      {LogKind::kOther, "raw line", "raw line", 23, false},
      {LogKind::kOther, "", "", 32, false},
      {LogKind::kUnterminated, "**<MSG>last", "**<MSG>last", 33, false},
  };
  for (size_t chunk = 1; chunk <= err.size(); ++chunk) EXPECT_EQ(Split(err, chunk), want) << chunk;
}

TEST(LogLineSplitter, TruncatesLongLines) {
  const std::string err = "**<ERR>" + std::string(100, 'x') + "\nok\n";
  for (size_t chunk : {1, 3, 50, 1000}) {
    std::vector<OwnedLine> got = Split(err, chunk, 10);
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0].kind, LogKind::kErr);
    EXPECT_EQ(got[0].raw, "**<ERR>xxx");
    EXPECT_TRUE(got[0].truncated);
    EXPECT_EQ(got[1].raw, "ok");
    EXPECT_EQ(got[1].offset, 108u);
    EXPECT_FALSE(got[1].truncated);
  }
}

TEST(LogLineSplitter, EmptyStreamAndTrailingNewline) {
  EXPECT_TRUE(Split("", 1).empty());
  std::vector<OwnedLine> got = Split("**<MSG>\n", 4);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].kind, LogKind::kMsg);
}

}  // namespace
}  // namespace dxt::codec
