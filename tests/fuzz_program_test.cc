// Unit tests of dxt::progfuzz's dictionary and generator (the search itself is tested through
// `dxt fuzz` in fuzz_cli_test.cc).
#include <elf.h>

#include <algorithm>
#include <cstring>
#include <set>
#include <string>

#include "fuzz/program/dictionary.h"
#include "fuzz/program/generator.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli_test_util.h"

namespace dxt::progfuzz {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

// In this test's .rodata: the auto-dictionary of this executable must hold it.
const char* volatile kMarker = "dxt-token-marker-q7";

std::string SelfExe() { return dxt::testing::ReadFile("/proc/self/exe"); }

TEST(DictionaryTest, ParsesTheAflFormat) {
  auto tokens = ParseDictionary("# c\n\nkw=\"a\\\"b\"\n\"\\x00\\xff\"\n  \"\\\\\"  \n", "d.dict");
  ASSERT_TRUE(tokens.ok()) << tokens.status();
  EXPECT_EQ(*tokens, (std::vector<std::string>{"a\"b", std::string("\0\xff", 2), "\\"}));
}

TEST(DictionaryTest, BadLinesNameSourceAndLine) {
  for (auto [text, why] :
       {std::pair{"\"ok\"\nbroken \"y\n", "line 2"}, std::pair{"\"\\x4\"\n", "two hex digits"},
        std::pair{"\"\"\n", "empty token"}, std::pair{"\"a\" b\n", "after the closing quote"},
        std::pair{"plain\n", "expected"}}) {
    auto tokens = ParseDictionary(text, "d.dict");
    ASSERT_FALSE(tokens.ok()) << text;
    EXPECT_THAT(tokens.status().message(), HasSubstr("d.dict: line")) << text;
    EXPECT_THAT(tokens.status().message(), HasSubstr(why)) << text;
  }
}

TEST(DictionaryTest, AnElfFileGivesItsLoadedDataNotItsDebugStrings) {
  const std::string self = SelfExe();
  ASSERT_EQ(self.substr(0, SELFMAG), ELFMAG);
  auto tokens = ExtractTokens(self);
  EXPECT_THAT(tokens, Contains(std::string(kMarker)));
  // Source paths live in the debug sections (and, for assertions, in .rodata): neither the
  // source tree nor the build tree reaches the dictionary, so the search does not depend on
  // where the program was built.
  // (Named through variables: gtest keeps each assertion's text, macros expanded, in .rodata.)
  const std::string source_dir = DXT_SOURCE_DIR, binary_dir = DXT_BINARY_DIR;
  for (const std::string& t : tokens) {
    EXPECT_EQ(t.find(source_dir), std::string::npos) << t;
    EXPECT_EQ(t.find(binary_dir), std::string::npos) << t;
  }
  // Read whole, the same file holds far more strings.
  size_t loaded = 0;
  for (std::string_view s : TokenSource(self)) loaded += s.size();
  EXPECT_GT(loaded, 0u);
  EXPECT_LT(loaded, self.size());
}

TEST(DictionaryTest, ATextFileIsReadWhole) {
  auto tokens = ExtractTokens("#!/bin/sh\ncase \"$1\" in X-Debug)\n");
  EXPECT_THAT(tokens, Contains("#!/bin/sh"));
  EXPECT_THAT(tokens, Contains("case \"$1\" in X-Debug)"));
  EXPECT_THAT(ExtractTokens("path /usr/lib/x here\n/usr/lib/x\n"),
              Contains("path /usr/lib/x here"));
  EXPECT_THAT(ExtractTokens("/usr/lib/x\n"), Not(Contains("/usr/lib/x")));
}

// A header that lies (sections past the end, a section table cut short) is not ELF: the file is
// read whole, and nothing is read out of bounds.
TEST(DictionaryTest, ATruncatedOrLyingElfIsReadWhole) {
  const std::string self = SelfExe();
  Elf64_Ehdr eh;
  std::memcpy(&eh, self.data(), sizeof eh);
  for (size_t cut :
       {size_t{EI_NIDENT}, sizeof eh - 1, sizeof eh, size_t(eh.e_shoff) + 1, self.size() - 1}) {
    std::string_view part(self.data(), cut);
    auto src = TokenSource(part);
    ASSERT_EQ(src.size(), 1u) << cut;
    EXPECT_EQ(src[0].size(), cut);
  }
  std::string lying = self;
  Elf64_Ehdr bad = eh;
  bad.e_shoff = ~uint64_t{0} - 8;  // wraps when added to
  std::memcpy(lying.data(), &bad, sizeof bad);
  EXPECT_EQ(TokenSource(lying).size(), 1u);
  bad = eh;
  bad.e_shnum = 0xffff;
  std::memcpy(lying.data(), &bad, sizeof bad);
  EXPECT_EQ(TokenSource(lying).size(), 1u);
}

bool HasEdge(const codec::ParamDict& d, const std::string& edge, bool at_end) {
  for (const auto& [k, v] : d)
    for (const std::string* item : {&k, &v})
      if (item->size() <= 16 + edge.size() && item->size() >= edge.size() &&
          (at_end ? item->compare(item->size() - edge.size(), edge.size(), edge) == 0
                  : item->compare(0, edge.size(), edge) == 0))
        return true;
  return false;
}

// Every classic token reaches the parameters as the end of a short item (where an unescaping
// or trimming parser trips), whatever the dictionary holds: in 200 fresh conversations each
// does, in each mode, with or without a large dictionary.
TEST(GeneratorTest, EveryClassicEdgeEndsAShortParameterSoon) {
  for (size_t dict_size : {size_t{0}, size_t{800}}) {
    GeneratorOptions o;
    for (size_t i = 0; i < dict_size; ++i) o.tokens.push_back("tok" + std::to_string(i));
    Generator g(o);
    for (harness::Mode mode : {harness::Mode::kMap, harness::Mode::kReduce}) {
      Rng rng(7);
      std::vector<codec::ParamDict> dicts;
      for (int i = 0; i < 200; ++i) dicts.push_back(g.Fresh(rng, mode).params);
      for (const std::string& edge : ClassicTokens()) {
        bool end = false, start = false;
        for (const auto& d : dicts) end |= HasEdge(d, edge, true), start |= HasEdge(d, edge, false);
        EXPECT_TRUE(end) << "token " << ::testing::PrintToString(edge) << ", dictionary of "
                         << dict_size;
        EXPECT_TRUE(start) << "token " << ::testing::PrintToString(edge);
      }
    }
  }
}

TEST(GeneratorTest, SameSeedSameConversations) {
  GeneratorOptions o;
  o.tokens = {"alpha", "beta"};
  Generator g(o);
  Rng a(3), b(3);
  for (int i = 0; i < 50; ++i) {
    Conversation x = g.Fresh(a, harness::Mode::kReduce), y = g.Fresh(b, harness::Mode::kReduce);
    EXPECT_EQ(x.params, y.params);
    EXPECT_EQ(x.pairs, y.pairs);
    Conversation mx = g.Mutate(a, x, x), my = g.Mutate(b, y, y);
    EXPECT_EQ(mx.params, my.params);
    EXPECT_EQ(mx.pairs, my.pairs);
  }
}

// Lengths reach round decimal limits (a 3000-byte buffer) as they reach powers of two.
TEST(GeneratorTest, ValueLengthsReachRoundDecimalsAndPowersOfTwo) {
  Generator g(GeneratorOptions{});
  Rng rng(11);
  std::set<size_t> sizes;
  for (int i = 0; i < 400; ++i)
    for (const auto& [k, v] : g.Fresh(rng, harness::Mode::kMap).pairs) sizes.insert(v.size());
  for (size_t n : {size_t{0}, size_t{1}, size_t{255}, size_t{256}, size_t{1000}, size_t{3000},
                   size_t{4096}, size_t{65535}})
    EXPECT_TRUE(sizes.count(n)) << n;
}

}  // namespace
}  // namespace dxt::progfuzz
