// Parameter blocks: the exact decoder (param_block.h) and the model of the original C
// library's misreading (disco_c_params.h).
#include <string>
#include <vector>

#include "codec/disco_c_params.h"
#include "codec/kv_frame.h"
#include "codec/param_block.h"
#include "gtest/gtest.h"

namespace dxt::codec {
namespace {

using namespace std::string_literals;
using Outcome = DiscoCParamsReading::Outcome;

const ParamDict kR21Dict = {
    {"test1", "1,2,3"}, {"one two three", "dim\ndam\n"}, {"dummy", "value"}};
const std::string kR21Block =
    "60\n5 test1 5 1,2,3\n13 one two three 8 dim\ndam\n\n5 dummy 5 value\n";

ParamDict ToDict(const std::vector<PairView>& v) {
  ParamDict d;
  for (const PairView& p : v) d.emplace_back(p.key, p.value);
  return d;
}

ParamDict DecodeDict(std::string_view block) {
  Decoded<std::string_view> b = DecodeParamBlock(block);
  EXPECT_TRUE(b.ok()) << b.reason;
  EXPECT_EQ(b.consumed, block.size());
  Decoded<std::vector<PairView>> d = ParseParamDict(b.value);
  EXPECT_TRUE(d.ok()) << d.reason;
  return ToDict(d.value);
}

TEST(ParamBlock, SpecR21VectorByteForByte) {
  EXPECT_EQ(EncodeParamDict(kR21Dict), kR21Block);
  EXPECT_EQ(DecodeDict(kR21Block), kR21Dict);
}

TEST(ParamBlock, SpecR22Empty) {
  EXPECT_EQ(EncodeParamDict({}), "0\n");
  Decoded<std::string_view> b = DecodeParamBlock("0\nXYZ");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b.consumed, 2u);
  EXPECT_EQ(b.value, "");
  EXPECT_TRUE(DecodeDict("0\n").empty());
}

TEST(ParamBlock, RawString) {
  EXPECT_EQ(EncodeParamRaw("hello world"), "11\nhello world");
  Decoded<std::string_view> b = DecodeParamBlock("11\nhello worldPAIRS");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b.value, "hello world");
  EXPECT_TRUE(ParseParamDict(b.value).invalid());
}

TEST(ParamBlock, ArbitraryBytesRoundTrip) {
  const ParamDict dict = {{" lead", "  "},
                          {"\nnl\n", "\0\xff"s},
                          {"", ""},
                          {"k\0ey"s, "\n"},
                          {"dup", "1"},
                          {"dup", "2"},
                          {"12 3", "4 5 6\n7 8"},
                          {std::string(1000, 'z'), "\t"}};
  EXPECT_EQ(DecodeDict(EncodeParamDict(dict)), dict);
}

TEST(ParamBlock, EveryProperPrefixIsIncomplete) {
  for (const std::string& block :
       {kR21Block, "0\n"s, EncodeParamDict({{"", "\0"s}}), EncodeParamRaw(std::string(123, 'r'))}) {
    for (size_t n = 0; n < block.size(); ++n) {
      Decoded<std::string_view> d = DecodeParamBlock(std::string_view(block).substr(0, n));
      EXPECT_TRUE(d.incomplete()) << n << ": " << d.reason;
    }
  }
}

TEST(ParamBlock, MalformedHeaders) {
  struct Case {
    std::string in;
    size_t offset;
  };
  const std::vector<Case> cases = {
      {"\n", 0},        {" 5\nhello", 0},
      {"+5\nhello", 0}, {"-1\n", 0},
      {"5 \nhello", 1}, {"5x", 1},
      {"12\r\n", 2},    {"a", 0},
      {"0\t", 1},       {"000000000000000000000", 20},  // 21 digits
  };
  for (const Case& c : cases) {
    Decoded<std::string_view> d = DecodeParamBlock(c.in);
    ASSERT_TRUE(d.invalid()) << c.in;
    EXPECT_EQ(d.error_offset, c.offset) << c.in << ": " << d.reason;
  }
}

TEST(ParamBlock, LengthLimit) {
  Limits small{.max_item_size = 10};
  EXPECT_TRUE(DecodeParamBlock("10\n", small).incomplete());
  EXPECT_TRUE(DecodeParamBlock("1", small).incomplete());
  Decoded<std::string_view> d = DecodeParamBlock("11", small);
  ASSERT_TRUE(d.invalid());
  EXPECT_EQ(d.error_offset, 0u);
  // Default limit 1 GiB: exactly 1 GiB waits for the body; one more byte is refused.
  EXPECT_TRUE(DecodeParamBlock("1073741824\nabc").incomplete());
  EXPECT_TRUE(DecodeParamBlock("1073741825\n").invalid());
  EXPECT_TRUE(DecodeParamBlock("99999999999999999999\n").invalid());  // overflows u64
}

TEST(ParamDict, MalformedBodies) {
  struct Case {
    std::string body;
    size_t offset;
    std::string reason_start;
  };
  const std::vector<Case> cases = {
      {" 1 a 1 b\n", 0, "entry 0: expected a digit"},
      {"1 a 1 b\nx", 8, "entry 1: expected a digit"},
      {"1  a 1 b\n", 3, "entry 0: expected a space after the key"},
      {"1 a 1 b", 7, "entry 0: expected \"\\n\""},
      {"1 a 1 b ", 7, "entry 0: expected \"\\n\""},
      {"1a 1 b\n", 1, "entry 0: expected a space after the key length"},
      {"9 a 1 b\n", 0, "entry 0: key length 9 runs past"},
      {"1 a 9 b\n", 4, "entry 0: value length 9 runs past"},
      {"1 a\n", 3, "entry 0: expected a space after the key"},
      {"1 a b\n", 4, "entry 0: expected a digit of the value length"},
      {"1 a 99999999999999999999999 b\n", 4, "entry 0: value length too large"},
  };
  for (const Case& c : cases) {
    Decoded<std::vector<PairView>> d = ParseParamDict(c.body);
    ASSERT_TRUE(d.invalid()) << c.body;
    EXPECT_EQ(d.error_offset, c.offset) << c.body << ": " << d.reason;
    EXPECT_EQ(d.reason.rfind(c.reason_start, 0), 0u) << d.reason;
  }
}

TEST(ParamBlock, SingleByteMutationsNeverCrash) {
  const std::string block = EncodeParamDict({{"a b", "\0\xff"s}, {"", "x"}}) + "tail";
  for (size_t i = 0; i < block.size(); ++i) {
    for (int b : {0x00, 0x20, 0x0a, 0x30, 0x39, 0x2d, 0xff}) {
      std::string m = block;
      m[i] = static_cast<char>(b);
      Decoded<std::string_view> d = DecodeParamBlock(m);
      if (d.ok()) {
        EXPECT_LE(d.consumed, m.size());
        Decoded<std::vector<PairView>> dict = ParseParamDict(d.value);
        if (dict.invalid()) {
          EXPECT_LE(dict.error_offset, d.value.size());
        }
      }
      DiscoCParamsReading r = ReadParamsLikeDiscoC(m);
      EXPECT_LE(r.consumed, m.size());
    }
  }
}

// --- the original C library's reading ---

std::string PairFrame(std::string_view k, std::string_view v) {
  std::string s;
  EXPECT_TRUE(AppendPair(&s, k, v).ok());
  return s;
}

TEST(DiscoC, ReadsSpecVectorCorrectly) {
  const std::string stream = kR21Block + PairFrame("key", "value");
  DiscoCParamsReading r = ReadParamsLikeDiscoC(stream);
  EXPECT_EQ(r.outcome, Outcome::kOk);
  EXPECT_EQ(r.dict, kR21Dict);
  EXPECT_EQ(r.consumed, kR21Block.size());
}

TEST(DiscoC, EmptyBlock) {
  DiscoCParamsReading r = ReadParamsLikeDiscoC("0\n" + PairFrame("k", "v"));
  EXPECT_EQ(r.outcome, Outcome::kOk);
  EXPECT_TRUE(r.dict.empty());
  EXPECT_EQ(r.consumed, 2u);
}

TEST(DiscoC, KeyWithLeadingSpaceIsMisread) {
  // "2  k 1 v\n": the " %n" skips the key's own space, the entry shifts, "v" is no length.
  const std::string block = EncodeParamDict({{" k", "v"}});
  ASSERT_EQ(block, "9\n2  k 1 v\n");
  DiscoCParamsReading r = ReadParamsLikeDiscoC(block + PairFrame("a", "b"));
  EXPECT_EQ(r.outcome, Outcome::kDied);
  EXPECT_EQ(r.die_message, "Couldn't parse item length");
}

TEST(DiscoC, EmptyLastValueEatsPairStartingWithSpace) {
  // Key length 32 encodes as 0x20 0 0 0: the skip after the empty value runs into the pair.
  const std::string block = EncodeParamDict({{"k", ""}});
  ASSERT_EQ(block, "7\n1 k 0 \n");
  DiscoCParamsReading r = ReadParamsLikeDiscoC(block + PairFrame(std::string(32, 'x'), "v"));
  EXPECT_EQ(r.outcome, Outcome::kDied);
  EXPECT_EQ(r.die_message, "Invalid parameter set size");
  EXPECT_EQ(r.consumed, block.size() + 1);  // ate the pair's first byte
  // Followed by a pair that does not start with whitespace, the same block reads fine.
  DiscoCParamsReading ok = ReadParamsLikeDiscoC(block + PairFrame("x", "v"));
  EXPECT_EQ(ok.outcome, Outcome::kOk);
  EXPECT_EQ(ok.dict, (std::vector<std::pair<std::string, std::string>>{{"k", ""}}));
  EXPECT_EQ(ok.consumed, block.size());
  // With nothing after it, the skip waits for more input.
  EXPECT_EQ(ReadParamsLikeDiscoC(block).outcome, Outcome::kStarved);
}

TEST(DiscoC, NulCutsKeysAndDuplicatesOverwrite) {
  const std::string block = EncodeParamDict({{"ab\0cd"s, "1"}, {"x", "2"}, {"ab", "3"}});
  DiscoCParamsReading r = ReadParamsLikeDiscoC(block + PairFrame("p", "q"));
  EXPECT_EQ(r.outcome, Outcome::kOk);
  EXPECT_EQ(r.dict, (std::vector<std::pair<std::string, std::string>>{{"ab", "3"}, {"x", "2"}}));
}

TEST(DiscoC, HeaderQuirks) {
  EXPECT_EQ(ReadParamsLikeDiscoC("").outcome, Outcome::kStarved);
  EXPECT_EQ(ReadParamsLikeDiscoC("   ").outcome, Outcome::kStarved);
  EXPECT_EQ(ReadParamsLikeDiscoC("12").outcome, Outcome::kStarved);  // more digits may come
  DiscoCParamsReading bad = ReadParamsLikeDiscoC("x\n");
  EXPECT_EQ(bad.outcome, Outcome::kDied);
  EXPECT_EQ(bad.die_message, "Couldn't parse parameter set size");
  // Leading whitespace and a '+' sign are accepted by %u.
  EXPECT_EQ(ReadParamsLikeDiscoC(" \t+0\nPAIR").outcome, Outcome::kOk);
  // "-1" wraps to 4294967295: the loop then starves for entries.
  EXPECT_EQ(ReadParamsLikeDiscoC("-1\n1 a 1 b\n").outcome, Outcome::kStarved);
  // Overflow clamps to 0xFFFFFFFF: same.
  EXPECT_EQ(ReadParamsLikeDiscoC("99999999999999999999999\n1 a 1 b\n").outcome, Outcome::kStarved);
  DiscoCParamsReading die = ReadParamsLikeDiscoC("8\n1 a 1 b\nZ");
  EXPECT_EQ(die.outcome, Outcome::kOk);  // exactly 8 bytes accounted
  DiscoCParamsReading item = ReadParamsLikeDiscoC("9\n1 a x b\n");
  EXPECT_EQ(item.outcome, Outcome::kDied);
  EXPECT_EQ(item.die_message, "Couldn't parse item length");
}

TEST(DiscoC, ValueLengthClaimStarves) {
  DiscoCParamsReading r = ReadParamsLikeDiscoC("20\n1 a 4294967295 b\n");
  EXPECT_EQ(r.outcome, Outcome::kStarved);
}

}  // namespace
}  // namespace dxt::codec
