// Input domains (issue 11 §1) and parameter merging into exact-block cases (§2), as units: the
// generators, the sample reader, what the catalogue skips or redraws, and --params placement.
#include <set>

#include "codec/kv_frame.h"
#include "conformance/catalogue.h"
#include "conformance/domain.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dxt::conformance {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

std::shared_ptr<const Domain> Named(const std::string& name) {
  auto d = MakeDomain(name);
  EXPECT_TRUE(d.ok()) << d.status();
  return std::shared_ptr<const Domain>(std::move(*d));
}

TEST(DomainTest, EveryNamedDomainDrawsMembersOfTheRequestedSize) {
  for (const std::string& name : DomainNames()) {
    auto d = Named(name);
    Rng rng(7);
    for (size_t size : {0, 1, 2, 5, 9, 10, 30, 1000, 70000}) {
      for (int i = 0; i < 20; ++i) {
        std::string s = d->Draw(rng, size);
        EXPECT_TRUE(d->Holds(s)) << name << " drew a non-member of size " << size;
        if (d->HoldsSize(size)) {
          EXPECT_EQ(s.size(), size) << name;
        }
      }
    }
  }
}

TEST(DomainTest, MembershipIsWhatTheNamesSay) {
  auto decimal = Named("decimal"), words = Named("words"), lines = Named("lines");
  EXPECT_TRUE(decimal->Holds("0"));
  EXPECT_TRUE(decimal->Holds("123456789"));
  EXPECT_FALSE(decimal->Holds("1234567890"));  // 10 digits: sums would overflow
  EXPECT_FALSE(decimal->Holds("007"));
  EXPECT_FALSE(decimal->Holds("value0"));
  EXPECT_FALSE(decimal->Holds(""));
  EXPECT_FALSE(decimal->HoldsSize(0));
  EXPECT_FALSE(decimal->HoldsSize(30));
  EXPECT_TRUE(words->Holds("a bc def"));
  EXPECT_FALSE(words->Holds("a  b"));
  EXPECT_FALSE(words->Holds(" a"));
  EXPECT_FALSE(words->Holds("a\nb"));
  EXPECT_TRUE(lines->Holds("GET / HTTP/1.0"));
  EXPECT_FALSE(lines->Holds("a\n"));
  EXPECT_TRUE(Named("bytes")->Holds(std::string("\0\xff", 2)));
}

TEST(DomainTest, UnknownNameIsAnErrorListingTheNames) {
  auto d = MakeDomain("integers");
  ASSERT_FALSE(d.ok());
  EXPECT_THAT(std::string(d.status().message()), HasSubstr("\"integers\""));
  EXPECT_THAT(std::string(d.status().message()), HasSubstr("decimal, words, lines"));
}

TEST(DomainTest, DrawsAreDeterministicPerSeed) {
  auto d = Named("words");
  Rng a(42), b(42), c(43);
  std::string x = d->Draw(a, 100), y = d->Draw(b, 100), z = d->Draw(c, 100);
  EXPECT_EQ(x, y);
  EXPECT_NE(x, z);
}

TEST(InputSampleTest, ReadsJsonLinesPlainLinesAndBase64) {
  auto pairs = ParseInputSample(
      "{\"key\": \"the\", \"value\": \"1\"}\n\n\"a plain line\"\n"
      "{\"key\": {\"base64\": \"AP8=\"}, \"value\": \"2\"}\n",
      "s.jsonl");
  ASSERT_TRUE(pairs.ok()) << pairs.status();
  ASSERT_EQ(pairs->size(), 3u);
  EXPECT_EQ((*pairs)[0], (std::pair<std::string, std::string>{"the", "1"}));
  EXPECT_EQ((*pairs)[1], (std::pair<std::string, std::string>{"", "a plain line"}));
  EXPECT_EQ((*pairs)[2].first, std::string("\0\xff", 2));
}

TEST(InputSampleTest, ReadsPairFrames) {
  std::string frames;
  codec::AppendPair(&frames, "word", "3").IgnoreError();
  codec::AppendPair(&frames, "", "").IgnoreError();
  auto pairs = ParseInputSample(frames, "s.bin");
  ASSERT_TRUE(pairs.ok()) << pairs.status();
  ASSERT_EQ(pairs->size(), 2u);
  EXPECT_EQ((*pairs)[0], (std::pair<std::string, std::string>{"word", "3"}));
}

TEST(InputSampleTest, BadSampleNamesFileAndLine) {
  auto bad = ParseInputSample("{\"key\": \"a\", \"value\": \"1\"}\n{\"key\": 3}\n", "s.jsonl");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(std::string(bad.status().message()), StartsWith("s.jsonl: line 2: "));
  EXPECT_FALSE(ParseInputSample("", "e.jsonl").ok());
  EXPECT_FALSE(ParseInputSample("\n\n", "blank.jsonl").ok());
}

TEST(InputSampleTest, SampleDomainHoldsExactlyItsItems) {
  auto d = SampleInputDomain({{"the", "1"}, {"cat", "12"}, {"sat", "1"}}, "s.jsonl");
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_TRUE(d->values->Holds("12"));
  EXPECT_FALSE(d->values->Holds("3"));
  EXPECT_TRUE(d->values->HoldsSize(2));
  EXPECT_FALSE(d->values->HoldsSize(3));
  Rng rng(1);
  for (int i = 0; i < 50; ++i) {
    std::string v = d->values->Draw(rng, 1000);  // nearest size the sample has
    EXPECT_EQ(v, "12");
    EXPECT_TRUE(d->keys->Holds(d->keys->Draw(rng, 0)));
  }
  EXPECT_EQ(d->Describe(), "keys sample s.jsonl, values sample s.jsonl");
}

TEST(CatalogueDomainTest, NeedsTableNamesRealEntries) {
  std::set<std::string> ids;
  for (const Entry& e : Catalogue()) ids.insert(e.id);
  for (const DomainNeedEntry& n : DomainNeeds()) EXPECT_TRUE(ids.count(n.id)) << n.id;
}

TEST(CatalogueDomainTest, UndeclaredDomainSendsTheCatalogueBytes) {
  for (const Entry& e : Catalogue()) {
    if (e.heavy) continue;
    for (Mode m : ModesOf(e)) {
      EXPECT_FALSE(OutsideDomain(e, m, InputDomain{}).has_value());
      EXPECT_EQ(InputInDomain(e, m, InputDomain{}), GenerateInput(e.input)) << e.id;
    }
  }
}

// Every case either runs in the domain -- same pair count, every value a member, the sizes kept
// where the case is about sizes -- or is SKIPPED with a reason naming the domain.
TEST(CatalogueDomainTest, DecimalValuesKeepEachCaseShapeOrSkipIt) {
  InputDomain decimal;
  decimal.values = Named("decimal");
  int skipped = 0, run = 0;
  for (const Entry& e : Catalogue()) {
    if (e.heavy) continue;
    auto why = OutsideDomain(e, Mode::kReduce, decimal);
    if (why) {
      EXPECT_THAT(*why, StartsWith("outside the declared domain: pair "));
      EXPECT_THAT(*why, HasSubstr("values decimal are a decimal count of 1-9 digits"));
      ++skipped;
      continue;
    }
    ++run;
    auto original = GenerateInput(e.input);
    auto drawn = InputInDomain(e, Mode::kReduce, decimal);
    ASSERT_EQ(drawn.size(), original.size()) << e.id;
    for (size_t i = 0; i < drawn.size(); ++i) {
      EXPECT_EQ(drawn[i].first, original[i].first) << e.id << ": keys are undeclared";
      EXPECT_TRUE(decimal.values->Holds(drawn[i].second)) << e.id << " pair " << i;
      if (e.value_need == DomainNeed::kSizes) {
        EXPECT_EQ(drawn[i].second.size(), original[i].second.size()) << e.id;
      }
    }
  }
  EXPECT_GT(run, 60);
  EXPECT_GT(skipped, 10);
}

TEST(CatalogueDomainTest, ExactBytesCasesAreSkippedNotWeakened) {
  InputDomain words;
  words.values = Named("words");
  for (const Entry& e : Catalogue())
    if (e.id == "3.1.5") {  // values holding every byte value
      auto why = OutsideDomain(e, Mode::kMap, words);
      ASSERT_TRUE(why.has_value());
      EXPECT_THAT(*why, HasSubstr("exact bytes"));
    }
}

}  // namespace
}  // namespace dxt::conformance
