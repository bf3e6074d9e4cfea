// The reference programs (reference/programs/) run over real pipes, in both modes, fed
// codec-encoded parameter blocks and pairs; their stdout is decoded with the codec.
#include <string>
#include <utility>
#include <vector>

#include "codec/kv_frame.h"
#include "codec/param_block.h"
#include "codec/result_list.h"
#include "codec/stream_decoder.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/pipe_runner.h"

namespace {

using Pair = std::pair<std::string, std::string>;
using List = std::vector<Pair>;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string ProgramPath(const std::string& name) {
  return std::string(DXT_BINARY_DIR) + "/reference/programs/" + name;
}

std::string Input(const dxt::codec::ParamDict& params, const std::vector<Pair>& pairs) {
  std::string in = dxt::codec::EncodeParamDict(params);
  for (const auto& [k, v] : pairs) EXPECT_TRUE(dxt::codec::AppendPair(&in, k, v).ok());
  return in;
}

// Decodes a whole stdout capture into lists; fails the test on a framing error.
std::vector<List> Lists(const std::string& out) {
  const dxt::codec::DecodedStream decoded =
      dxt::codec::DecodeWholeStream(out, dxt::codec::StreamGrammar::kResultLists);
  EXPECT_TRUE(decoded.status.ok()) << decoded.status;
  std::vector<List> lists;
  for (const dxt::codec::OwnedEvent& e : decoded.events) {
    if (e.type == dxt::codec::StreamEvent::Type::kListStart) lists.emplace_back();
    if (e.type == dxt::codec::StreamEvent::Type::kPair) lists.back().emplace_back(e.a, e.b);
  }
  return lists;
}

dxt::testing::PipeRunResult RunRef(const std::string& program, const std::string& mode,
                                   const std::string& input) {
  return dxt::testing::RunProgram(ProgramPath(program), {mode}, input);
}

std::string Bytes(std::initializer_list<int> bytes) {
  std::string s;
  for (int b : bytes) s.push_back(static_cast<char>(b));
  return s;
}

const std::vector<Pair>& TrickyPairs() {
  static const std::vector<Pair> pairs = {
      {"k", "v"},
      {"", ""},
      {Bytes({0x00}), Bytes({0xFF, 0x00, 0xFF})},
      {Bytes({0xFF, 0xFE}), ""},
      {"", "line one\nline two\n"},
      {std::string(32, ' '), " leading space"},
  };
  return pairs;
}

TEST(ReferenceEcho, MapEmitsOneListPerPair) {
  const auto r = RunRef("echo", "map", Input({}, TrickyPairs()));
  ASSERT_TRUE(r.exited_ok()) << r.Describe();
  EXPECT_EQ(r.err, "");
  const std::vector<List> lists = Lists(r.out);
  ASSERT_EQ(lists.size(), TrickyPairs().size());
  for (size_t i = 0; i < lists.size(); ++i) EXPECT_THAT(lists[i], ElementsAre(TrickyPairs()[i]));
}

TEST(ReferenceEcho, ReduceIsIdentityAndBatches) {
  std::vector<Pair> pairs = TrickyPairs();
  for (int i = 0; i < 20000; ++i)
    pairs.emplace_back("key" + std::to_string(i), std::string(i % 50, 'x'));
  const auto r = RunRef("echo", "reduce", Input({{"unused", "param"}}, pairs));
  ASSERT_TRUE(r.exited_ok()) << r.Describe();
  EXPECT_EQ(r.err, "");
  const std::vector<List> lists = Lists(r.out);
  EXPECT_GT(lists.size(), 1u) << "about 1 MiB of pairs should not be one 64 KiB batch";
  EXPECT_LT(lists.size(), pairs.size()) << "pairs should be batched, not one list each";
  std::vector<Pair> all;
  for (const List& l : lists) all.insert(all.end(), l.begin(), l.end());
  EXPECT_EQ(all, pairs);
}

TEST(ReferenceEcho, OneMebibyteValueBothModes) {
  std::string big(1 << 20, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>((i * 131) & 0xFF);
  const std::vector<Pair> pairs = {{"before", "x"}, {Bytes({0xFF}), big}, {"after", ""}};
  for (const std::string mode : {"map", "reduce"}) {
    const auto r = RunRef("echo", mode, Input({}, pairs));
    ASSERT_TRUE(r.exited_ok()) << mode << ": " << r.Describe();
    std::vector<Pair> all;
    for (const List& l : Lists(r.out)) all.insert(all.end(), l.begin(), l.end());
    EXPECT_EQ(all, pairs) << mode;
  }
}

TEST(ReferenceEcho, EmptyInputGivesNoListsAndExitZero) {
  for (const std::string mode : {"map", "reduce"}) {
    const auto r = RunRef("echo", mode, "0\n");
    ASSERT_TRUE(r.exited_ok()) << mode << ": " << r.Describe();
    EXPECT_EQ(r.out, "") << mode;
    EXPECT_EQ(r.err, "") << mode;
  }
}

TEST(ReferenceWordcount, MapSplitsOnAsciiWhitespace) {
  const auto r =
      RunRef("wordcount", "map",
             Input({}, {{"doc1", "  the quick\tthe\n fox\r\n"}, {"doc2", " \t\n"}, {"", "a"}}));
  ASSERT_TRUE(r.exited_ok()) << r.Describe();
  const std::vector<List> lists = Lists(r.out);
  ASSERT_EQ(lists.size(), 3u);
  EXPECT_THAT(lists[0], ElementsAre(Pair("the", "1"), Pair("quick", "1"), Pair("the", "1"),
                                    Pair("fox", "1")));
  EXPECT_TRUE(lists[1].empty());
  EXPECT_THAT(lists[2], ElementsAre(Pair("a", "1")));
}

TEST(ReferenceWordcount, ReduceSumsAndSortsByUnsignedBytes) {
  const std::string ff = Bytes({0xFF});
  const std::string nul_x = Bytes({0x00, 'x'});
  const auto r = RunRef("wordcount", "reduce",
                        Input({}, {{"b", "1"},
                                   {ff, "7"},
                                   {"a", "2"},
                                   {"b", "30"},
                                   {nul_x, "1"},
                                   {"", "5"},
                                   {"a", "18446744073709551613"}}));
  ASSERT_TRUE(r.exited_ok()) << r.Describe();
  std::vector<Pair> all;
  for (const List& l : Lists(r.out)) all.insert(all.end(), l.begin(), l.end());
  EXPECT_THAT(all, ElementsAre(Pair("", "5"), Pair(nul_x, "1"), Pair("a", "18446744073709551615"),
                               Pair("b", "31"), Pair(ff, "7")));
}

TEST(ReferenceWordcount, ReduceDiesOnNonDecimalCountNamingTheKey) {
  for (const std::string bad : {"x1", "", "-1", "1 ", "99999999999999999999999"}) {
    const auto r = RunRef("wordcount", "reduce", Input({}, {{"fine", "1"}, {"badword", bad}}));
    EXPECT_EQ(r.exit_code, 1) << r.Describe();
    EXPECT_THAT(r.err, StartsWith("**<ERR>"));
    EXPECT_THAT(r.err, HasSubstr("badword"));
    EXPECT_EQ(r.err.back(), '\n');
  }
}

TEST(ReferenceWordcount, ReduceDiesOnOverflowingTotal) {
  const auto r =
      RunRef("wordcount", "reduce", Input({}, {{"w", "18446744073709551615"}, {"w", "1"}}));
  EXPECT_EQ(r.exit_code, 1) << r.Describe();
  EXPECT_THAT(r.err, StartsWith("**<ERR>"));
  EXPECT_THAT(r.err, HasSubstr("overflow"));
}

TEST(ReferenceGrep, MapKeepsMatchingValuesAnywhere) {
  const std::vector<Pair> pairs = {
      {"url1", "a fooo line"}, {"url2", "no match"}, {"url3", Bytes({0x00}) + "fo"}, {"", "FOO"}};
  const auto r = RunRef("grep", "map", Input({{"pattern", "fo+"}}, pairs));
  ASSERT_TRUE(r.exited_ok()) << r.Describe();
  const std::vector<List> lists = Lists(r.out);
  ASSERT_EQ(lists.size(), pairs.size());
  EXPECT_THAT(lists[0], ElementsAre(pairs[0]));
  EXPECT_TRUE(lists[1].empty());
  EXPECT_THAT(lists[2], ElementsAre(pairs[2]));
  EXPECT_TRUE(lists[3].empty());
}

TEST(ReferenceGrep, MissingPatternDies) {
  const auto r = RunRef("grep", "map", Input({{"patern", "typo"}}, {{"k", "v"}}));
  EXPECT_EQ(r.exit_code, 1) << r.Describe();
  EXPECT_EQ(r.err, "**<ERR> parameter 'pattern' missing\n");
  EXPECT_EQ(r.out, "");
}

TEST(ReferenceGrep, InvalidPatternDies) {
  const auto r = RunRef("grep", "map", Input({{"pattern", "(unclosed"}}, {{"k", "v"}}));
  EXPECT_EQ(r.exit_code, 1) << r.Describe();
  EXPECT_THAT(r.err, StartsWith("**<ERR> parameter 'pattern' is not a valid regex"));
}

TEST(ReferenceGrep, ReduceIsIdentityWithoutPattern) {
  const auto r = RunRef("grep", "reduce", Input({}, TrickyPairs()));
  ASSERT_TRUE(r.exited_ok()) << r.Describe();
  std::vector<Pair> all;
  for (const List& l : Lists(r.out)) all.insert(all.end(), l.begin(), l.end());
  EXPECT_EQ(all, TrickyPairs());
}

// Parameters that the original C library misreads (SPEC R2.3, R2.5), followed by a first pair
// whose key length (32) begins with a whitespace byte.
dxt::codec::ParamDict TrickyParams() {
  return {{" leading", "\nnewline first"},
          {Bytes({0x00}) + "nul", Bytes({'v', 0x00})},
          {"", ""},
          {Bytes({0xFF}), " "},
          {"dup", "1"},
          {"dup", "2"},
          {"last", ""}};
}

TEST(ReferenceParamsDump, MapDumpsExactParamsForEachPair) {
  const dxt::codec::ParamDict params = TrickyParams();
  const std::vector<Pair> pairs = {{std::string(32, ' '), "x"}, {"", ""}};
  const auto r = RunRef("params-dump", "map", Input(params, pairs));
  ASSERT_TRUE(r.exited_ok()) << r.Describe();
  const std::vector<List> lists = Lists(r.out);
  ASSERT_EQ(lists.size(), pairs.size());
  for (const List& l : lists) EXPECT_EQ(l, params);
}

TEST(ReferenceParamsDump, ReduceDumpsOnceAfterInput) {
  const dxt::codec::ParamDict params = TrickyParams();
  const auto r = RunRef("params-dump", "reduce", Input(params, TrickyPairs()));
  ASSERT_TRUE(r.exited_ok()) << r.Describe();
  const std::vector<List> lists = Lists(r.out);
  ASSERT_EQ(lists.size(), 1u);
  EXPECT_EQ(lists[0], params);
}

TEST(ReferenceParamsDump, EmptyBlockAndRawString) {
  auto r = RunRef("params-dump", "map", Input({}, {{"k", "v"}}));
  ASSERT_TRUE(r.exited_ok()) << r.Describe();
  EXPECT_THAT(Lists(r.out), ElementsAre(List{}));

  const std::string raw = "just a string, not a dictionary\n";
  std::string input = dxt::codec::EncodeParamRaw(raw);
  ASSERT_TRUE(dxt::codec::AppendPair(&input, "k", "v").ok());
  r = RunRef("params-dump", "reduce", input);
  ASSERT_TRUE(r.exited_ok()) << r.Describe();
  EXPECT_THAT(Lists(r.out), ElementsAre(List{Pair("", raw)}));
}

// R5.2: the list for a pair arrives while stdin is still open, before the next pair is sent.
TEST(ReferenceLibrary, MapFlushesOneListPerPairBeforeStdinCloses) {
  for (const std::string program : {"echo", "wordcount", "grep", "params-dump"}) {
    dxt::testing::PipeProcess p;
    std::string error;
    ASSERT_TRUE(p.Start(ProgramPath(program), {"map"}, &error)) << error;
    std::string pair;
    ASSERT_TRUE(dxt::codec::AppendPair(&pair, "key", "some words").ok());
    ASSERT_TRUE(p.Write(dxt::codec::EncodeParamDict({{"pattern", "word"}}) + pair));
    size_t expected_end = 0;
    for (int i = 1; i <= 3; ++i) {
      // Wait for exactly one more complete list.
      const auto one_more_list = [&](std::string_view out) {
        const auto list = dxt::codec::DecodeResultList(out.substr(expected_end));
        return list.ok();
      };
      ASSERT_TRUE(p.ReadStdoutUntil(one_more_list, std::chrono::seconds(10)))
          << program << ": no list for pair " << i << " while stdin is open; stderr: " << p.err();
      const auto list =
          dxt::codec::DecodeResultList(std::string_view(p.out()).substr(expected_end));
      expected_end += list.consumed;
      EXPECT_EQ(p.out().size(), expected_end) << program << ": more than one list for pair " << i;
      if (i < 3) {
        ASSERT_TRUE(p.Write(pair));
      }
    }
    const auto r = p.Finish("");
    EXPECT_TRUE(r.exited_ok()) << program << ": " << r.Describe();
    EXPECT_EQ(r.out.size(), expected_end) << program;
  }
}

TEST(ReferenceLibrary, TruncatedPairDiesWithOffset) {
  for (const std::string mode : {"map", "reduce"}) {
    std::string input = Input({}, {{"k", "v"}});
    std::string second;
    ASSERT_TRUE(dxt::codec::AppendPair(&second, "key", "value").ok());
    input += second.substr(0, second.size() - 2);
    const auto r = RunRef("echo", mode, input);
    EXPECT_EQ(r.exit_code, 1) << mode << ": " << r.Describe();
    EXPECT_THAT(r.err, StartsWith("**<ERR>"));
    EXPECT_THAT(r.err, HasSubstr("offset 12"));  // "0\n" + the 10-byte first pair
    EXPECT_THAT(r.err, HasSubstr("R3.3"));
    if (mode == "map") {
      EXPECT_THAT(Lists(r.out), ElementsAre(List{Pair("k", "v")}));
    }
  }
}

TEST(ReferenceLibrary, TruncatedOrMalformedParamBlockDies) {
  for (const std::string& input : {std::string("12\n1 a"), std::string("x\n"), std::string("")}) {
    const auto r = RunRef("echo", "map", input);
    EXPECT_EQ(r.exit_code, 1) << r.Describe();
    EXPECT_THAT(r.err, StartsWith("**<ERR>"));
    EXPECT_EQ(r.out, "");
  }
}

TEST(ReferenceLibrary, WrongArgumentsDieWithUsage) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{}, {"mapp"}, {"map", "extra"}}) {
    const auto r = dxt::testing::RunProgram(ProgramPath("echo"), args, "0\n");
    EXPECT_EQ(r.exit_code, 1) << r.Describe();
    EXPECT_THAT(r.err, StartsWith("**<ERR> usage:"));
    EXPECT_EQ(r.out, "");
  }
}

// libstdc++'s std::regex recursed per byte here and overflowed the stack on ~64 KiB values.
TEST(ReferenceGrep, LongValueWithGreedyPattern) {
  const std::string long_value = std::string(1 << 20, 'a') + "foo";
  const auto r = RunRef("grep", "map",
                        Input({{"pattern", ".*foo"}}, {{"k", long_value}, {"k2", "bar"}}));
  ASSERT_TRUE(r.exited_ok()) << r.Describe();
  const auto lists = Lists(r.out);
  ASSERT_EQ(lists.size(), 2u);
  ASSERT_EQ(lists[0].size(), 1u);
  EXPECT_EQ(lists[0][0].second, long_value);
  EXPECT_TRUE(lists[1].empty());
}

}  // namespace
