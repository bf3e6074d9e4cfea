// StreamDecoder against DecodeWholeStream: identical events and status for any chunking.
#include <random>
#include <string>
#include <vector>

#include "codec/kv_frame.h"
#include "codec/param_block.h"
#include "codec/result_list.h"
#include "codec/stream_decoder.h"
#include "gtest/gtest.h"

namespace dxt::codec {
namespace {

using namespace std::string_literals;
using Type = StreamEvent::Type;

std::string U32(uint32_t v) {
  std::string s;
  AppendU32(&s, v);
  return s;
}
std::string P(std::string_view k, std::string_view v) {
  std::string s;
  EXPECT_TRUE(AppendPair(&s, k, v).ok());
  return s;
}

struct Vector {
  std::string name;
  StreamGrammar grammar;
  std::string bytes;
};

std::vector<Vector> Vectors() {
  const std::string params = EncodeParamDict({{"a", "1"}, {" b", "\0"s}});
  const std::string big(5000, '\xab');
  std::vector<Vector> v = {
      {"pairs-empty", StreamGrammar::kPairs, ""},
      {"pairs", StreamGrammar::kPairs, P("k", "v") + P("", "") + P("\0\xff"s, big) + P("x", "")},
      {"lists-empty", StreamGrammar::kResultLists, ""},
      {"lists", StreamGrammar::kResultLists,
       U32(0) + U32(2) + P("a", "b") + P("", big) + U32(0) + U32(1) + P("z", "\n")},
      {"params-only", StreamGrammar::kParamsThenPairs, "0\n"},
      {"params-pairs", StreamGrammar::kParamsThenPairs, params + P("k", "v") + P(big, "x")},
      {"params-raw", StreamGrammar::kParamsThenPairs, EncodeParamRaw("raw text") + P("", "")},
      // invalid or truncated
      {"pairs-trunc-key", StreamGrammar::kPairs, P("k", "v") + U32(10) + "abc"},
      {"pairs-trunc-len", StreamGrammar::kPairs, P("k", "v") + "\x01\x00"s},
      {"pairs-trunc-value", StreamGrammar::kPairs, P("k", "v") + U32(1) + "k" + U32(10) + "abc"},
      {"pairs-trunc-vlen", StreamGrammar::kPairs, U32(1) + "k" + "\x01"s},
      {"pairs-key-over", StreamGrammar::kPairs, P("k", "v") + P("a", "b") + U32(0xFFFFFFFF) + "zz"},
      {"pairs-value-over", StreamGrammar::kPairs, P("k", "v") + U32(1) + "k" + U32((1u << 30) + 1)},
      {"lists-trunc-count", StreamGrammar::kResultLists, U32(0) + "\x02\x00"s},
      {"lists-short", StreamGrammar::kResultLists, U32(1) + P("a", "b") + U32(3) + P("c", "d")},
      {"lists-huge-count", StreamGrammar::kResultLists, U32(0xFFFFFFFF) + P("a", "b")},
      {"lists-bad-pair", StreamGrammar::kResultLists, U32(2) + P("a", "b") + U32(0xF0000000)},
      {"params-missing", StreamGrammar::kParamsThenPairs, ""},
      {"params-trunc-header", StreamGrammar::kParamsThenPairs, "12"},
      {"params-trunc-body", StreamGrammar::kParamsThenPairs, "12\nabc"},
      {"params-bad-header", StreamGrammar::kParamsThenPairs, "1x\n"},
      {"params-sign", StreamGrammar::kParamsThenPairs, "+1\nx"},
      {"params-over", StreamGrammar::kParamsThenPairs, "99999999999\n"},
      {"params-bad-pair", StreamGrammar::kParamsThenPairs, "0\n" + P("a", "b") + U32(1u << 31)},
  };
  return v;
}

DecodedStream Stream(std::string_view bytes, StreamGrammar grammar,
                     const std::vector<size_t>& cuts) {
  DecodedStream out;
  StreamDecoder decoder(grammar);
  auto sink = [&](const StreamEvent& e) { out.events.push_back(ToOwned(e)); };
  size_t pos = 0;
  for (size_t cut : cuts) {
    if (cut < pos || cut > bytes.size()) continue;
    out.status = decoder.Feed(bytes.substr(pos, cut - pos), sink);
    pos = cut;
    if (!out.status.ok()) return out;
  }
  out.status = decoder.Feed(bytes.substr(pos), sink);
  if (out.status.ok()) out.status = decoder.Finish();
  // Errors are sticky.
  if (!out.status.ok()) {
    EXPECT_EQ(decoder.Feed("more", sink), out.status);
    EXPECT_EQ(decoder.Finish(), out.status);
  }
  return out;
}

void ExpectSame(const DecodedStream& got, const DecodedStream& want, const std::string& what) {
  EXPECT_EQ(got.status, want.status) << what;
  EXPECT_EQ(got.events.size(), want.events.size()) << what;
  EXPECT_TRUE(got.events == want.events) << what;
}

TEST(StreamDecoder, OneByteAtATimeMatchesOneShot) {
  for (const Vector& v : Vectors()) {
    const DecodedStream want = DecodeWholeStream(v.bytes, v.grammar);
    std::vector<size_t> cuts;
    for (size_t i = 1; i < v.bytes.size(); ++i) cuts.push_back(i);
    ExpectSame(Stream(v.bytes, v.grammar, cuts), want, v.name + " bytewise");
    ExpectSame(Stream(v.bytes, v.grammar, {}), want, v.name + " whole");
  }
}

TEST(StreamDecoder, RandomChunkingsMatchOneShot) {
  std::mt19937 rng(1234);
  for (const Vector& v : Vectors()) {
    const DecodedStream want = DecodeWholeStream(v.bytes, v.grammar);
    for (int round = 0; round < 50; ++round) {
      std::vector<size_t> cuts;
      size_t pos = 0;
      while (pos < v.bytes.size()) {
        pos += 1 + rng() % (round % 2 ? 7 : 600);
        cuts.push_back(pos);
      }
      ExpectSame(Stream(v.bytes, v.grammar, cuts), want, v.name);
    }
  }
}

TEST(StreamDecoder, EveryPrefixOfValidStreamsAgrees) {
  for (const Vector& v : Vectors()) {
    const DecodedStream full = DecodeWholeStream(v.bytes, v.grammar);
    if (!full.status.ok()) continue;
    for (size_t n = 0; n <= v.bytes.size(); ++n) {
      const std::string_view prefix = std::string_view(v.bytes).substr(0, n);
      const DecodedStream want = DecodeWholeStream(prefix, v.grammar);
      if (!want.status.ok()) {
        EXPECT_EQ(want.status.code(), absl::StatusCode::kDataLoss) << v.name << " " << n;
      }
      ExpectSame(Stream(prefix, v.grammar, {n / 2}), want, v.name);
    }
  }
}

TEST(StreamDecoder, SingleByteMutationsAgreeAndNeverCrash) {
  for (const Vector& v : Vectors()) {
    for (size_t i = 0; i < v.bytes.size() && i < 64; ++i) {
      for (int b : {0x00, 0x01, 0x20, 0x0a, 0x7f, 0xff}) {
        std::string m = v.bytes;
        m[i] = static_cast<char>(b);
        const DecodedStream want = DecodeWholeStream(m, v.grammar);
        std::vector<size_t> cuts = {i, i + 1, i + 5};
        ExpectSame(Stream(m, v.grammar, cuts), want, v.name + " mutated");
      }
    }
  }
}

TEST(StreamDecoder, EventsOfListsStream) {
  const std::string s = U32(0) + U32(2) + P("a", "b") + P("c", "");
  DecodedStream d = DecodeWholeStream(s, StreamGrammar::kResultLists);
  ASSERT_TRUE(d.status.ok());
  const std::vector<OwnedEvent> want = {
      {Type::kListStart, "", "", 0, 0}, {Type::kListEnd, "", "", 0, 0},
      {Type::kListStart, "", "", 2, 4}, {Type::kPair, "a", "b", 0, 8},
      {Type::kPair, "c", "", 0, 18},    {Type::kListEnd, "", "", 2, 4},
  };
  EXPECT_EQ(d.events, want);
  StreamDecoder decoder(StreamGrammar::kResultLists);
  std::vector<StreamEvent> raw;
  ASSERT_TRUE(decoder.Feed(s, [&](const StreamEvent& e) { raw.push_back(e); }).ok());
  EXPECT_EQ(decoder.lists_decoded(), 2u);
  EXPECT_EQ(decoder.pairs_decoded(), 2u);
  EXPECT_EQ(decoder.offset(), s.size());
  EXPECT_TRUE(decoder.at_boundary());
  EXPECT_EQ(raw[4].pair_index, 1u);
  EXPECT_EQ(raw[4].list_index, 1u);
  EXPECT_EQ(raw[5].list_index, 1u);
}

TEST(StreamDecoder, ParamsThenPairsEvents) {
  const std::string s = "3\nabc" + P("k", "v");
  DecodedStream d = DecodeWholeStream(s, StreamGrammar::kParamsThenPairs);
  ASSERT_TRUE(d.status.ok());
  const std::vector<OwnedEvent> want = {{Type::kParams, "abc", "", 0, 0},
                                        {Type::kPair, "k", "v", 0, 5}};
  EXPECT_EQ(d.events, want);
}

TEST(StreamDecoder, ErrorTexts) {
  auto status = [](const std::string& s, StreamGrammar g) {
    return std::string(DecodeWholeStream(s, g).status.ToString());
  };
  EXPECT_EQ(status(P("ab", "c") + P("k", "v") + P("x", "y") + U32(1) + "k" + U32(3000000000u),
                   StreamGrammar::kPairs),
            "OUT_OF_RANGE: offset 36: pair 3: value length 3000000000 exceeds limit 1073741824 "
            "(R3.2)");
  EXPECT_EQ(status(P("k", "v") + U32(1) + "k" + U32(10) + "abc", StreamGrammar::kPairs),
            "DATA_LOSS: offset 10: stream ended inside pair 1 (value: have 3 of 10 bytes) (R3.3)");
  EXPECT_EQ(status(U32(3) + P("a", "b"), StreamGrammar::kResultLists),
            "DATA_LOSS: offset 14: stream ended inside list 0 after 1 of 3 pairs (R3.3)");
  EXPECT_EQ(status("", StreamGrammar::kParamsThenPairs),
            "DATA_LOSS: offset 0: stream ended before the parameter block (R2)");
  EXPECT_EQ(status("5 \n", StreamGrammar::kParamsThenPairs),
            "INVALID_ARGUMENT: offset 1: parameter block: parameter block length must be followed "
            "by \"\\n\" (R2.1)");
  EXPECT_TRUE(DecodeWholeStream("", StreamGrammar::kPairs).status.ok());
}

// The error as data: every fact its text shows is a field, and the text is rendered from them
// (ToStatus(error) is the decoder's status, one-shot and incremental alike).
TEST(StreamDecoder, ErrorFacts) {
  using F = StreamError::Field;
  using K = StreamError::Kind;
  struct Row {
    std::string stream;
    StreamGrammar grammar;
    K kind;
    F field;
    uint64_t offset, item_start, pair_index, list_index, claimed, limit, have, need;
  };
  const Limits small{.max_item_size = 100, .max_pairs_per_list = 5};
  const std::vector<Row> rows = {
      {P("k", "v") + U32(101), StreamGrammar::kPairs, K::kOverLimit, F::kKeyLength, 10, 10, 1, 0,
       101, 100, 0, 0},
      {P("k", "v") + U32(1) + "k" + U32(500), StreamGrammar::kPairs, K::kOverLimit, F::kValueLength,
       15, 10, 1, 0, 500, 100, 0, 0},
      {U32(0) + U32(6), StreamGrammar::kResultLists, K::kOverLimit, F::kCount, 4, 4, 0, 1, 6, 5, 0,
       0},
      {"1234\n", StreamGrammar::kParamsThenPairs, K::kOverLimit, F::kParamLength, 0, 0, 0, 0, 123,
       100, 0, 0},
      {U32(1) + "ab", StreamGrammar::kResultLists, K::kTruncated, F::kKeyLength, 6, 4, 0, 0, 0, 0,
       2, 4},
      {U32(1) + U32(3) + "a", StreamGrammar::kResultLists, K::kTruncated, F::kKey, 9, 4, 0, 0, 0, 0,
       1, 3},
      {U32(1) + U32(1) + "a" + U32(1).substr(0, 3), StreamGrammar::kResultLists, K::kTruncated,
       F::kValueLength, 12, 4, 0, 0, 0, 0, 3, 4},
      {U32(1) + U32(1) + "a" + U32(9) + "xy", StreamGrammar::kResultLists, K::kTruncated, F::kValue,
       15, 4, 0, 0, 0, 0, 2, 9},
      {U32(3) + P("a", "b"), StreamGrammar::kResultLists, K::kTruncated, F::kBetweenPairs, 14, 14,
       1, 0, 0, 0, 1, 3},
      {U32(0) + "\x01", StreamGrammar::kResultLists, K::kTruncated, F::kCount, 5, 4, 0, 1, 0, 0, 1,
       4},
      {"5\nab", StreamGrammar::kParamsThenPairs, K::kTruncated, F::kParamBody, 4, 0, 0, 0, 0, 0, 2,
       5},
      {"12", StreamGrammar::kParamsThenPairs, K::kTruncated, F::kParamLength, 2, 0, 0, 0, 0, 0, 2,
       0},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(testing::PrintToString(row.stream));
    DecodedStream whole = DecodeWholeStream(row.stream, row.grammar, small);
    const StreamError& e = whole.error;
    EXPECT_EQ(e.kind, row.kind);
    EXPECT_EQ(e.field, row.field);
    EXPECT_EQ(e.offset, row.offset);
    EXPECT_EQ(e.item_start, row.item_start);
    EXPECT_EQ(e.pair_index, row.pair_index);
    EXPECT_EQ(e.list_index, row.list_index);
    EXPECT_EQ(e.claimed, row.claimed);
    EXPECT_EQ(e.limit, row.limit);
    EXPECT_EQ(e.have, row.have);
    EXPECT_EQ(e.need, row.need);
    EXPECT_EQ(whole.status, ToStatus(e));
    EXPECT_EQ(whole.status.message(), Describe(e));
    // Fed one byte at a time: the same facts and text.
    StreamDecoder one(row.grammar, small);
    absl::Status st;
    for (char c : row.stream) {
      st = one.Feed(std::string_view(&c, 1), [](const StreamEvent&) {});
      if (!st.ok()) break;
    }
    if (st.ok()) st = one.Finish();
    EXPECT_EQ(st, whole.status);
    EXPECT_EQ(Describe(one.error()), Describe(e));
    EXPECT_EQ(one.error().field, e.field);
  }
  EXPECT_EQ(ToStatus(StreamError{}), absl::OkStatus());
}

TEST(StreamDecoder, OversizedClaimIsRefusedBeforeItsBytes) {
  StreamDecoder decoder(StreamGrammar::kPairs, Limits{.max_item_size = 1u << 30});
  auto sink = [](const StreamEvent&) {};
  ASSERT_TRUE(decoder.Feed(U32(1u << 30), sink).ok());  // exactly the limit: waits
  EXPECT_FALSE(decoder.at_boundary());
  EXPECT_EQ(decoder.Finish().code(), absl::StatusCode::kDataLoss);
  StreamDecoder over(StreamGrammar::kPairs);
  EXPECT_EQ(over.Feed(U32((1u << 30) + 1), sink).code(), absl::StatusCode::kOutOfRange);
}

}  // namespace
}  // namespace dxt::codec
