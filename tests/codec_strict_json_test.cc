// The strict JSON parse every user-written file goes through (codec/strict_json.h): the document
// it builds equals nlohmann's own, key order kept; a repeated key anywhere is an error naming the
// key and its object; malformed text is an error with line:column.
#include <string>

#include "codec/strict_json.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dxt::codec {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::ordered_json;

TEST(StrictJson, BuildsTheSameDocumentAsNlohmann) {
  const std::string text =
      R"({"z": 1, "a": [true, false, null, -3, 18446744073709551615, 2.5, "s\u00e9", [], {}],)"
      R"( "m": {"b": {"c": [[1, {"d": "e"}], {"f": []}]}, "a": ""}})";
  auto got = ParseStrictJson(text, "t.json");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(*got, Json::parse(text));
  EXPECT_EQ(got->dump(), Json::parse(text).dump());  // key order too: "z" before "a"
  for (const char* scalar : {"7", "\"x\"", "null", "[]", "{}"}) {
    auto s = ParseStrictJson(scalar, "s.json");
    ASSERT_TRUE(s.ok()) << scalar << ": " << s.status();
    EXPECT_EQ(*s, Json::parse(scalar)) << scalar;
  }
}

TEST(StrictJson, RepeatedKeyNamesTheKeyAndItsObject) {
  const auto error = [](const std::string& text) {
    auto r = ParseStrictJson(text, "f.json");
    return r.ok() ? std::string("parsed") : std::string(r.status().message());
  };
  EXPECT_EQ(error(R"({"input": ["a"], "input": ["b"]})"),
            "f.json: duplicate key \"input\" in the top-level object");
  EXPECT_EQ(error(R"({"cases": [{"id": 1}, {"expect": {"exit": 0, "exit": 1}}]})"),
            "f.json: duplicate key \"exit\" in the object of \"expect\"");
  EXPECT_EQ(error(R"({"cases": [{"id": 1, "id": 2}]})"),
            "f.json: duplicate key \"id\" in the object of \"cases\"");
  // Equal keys in different objects are not repeats.
  EXPECT_EQ(error(R"({"a": {"k": 1}, "b": {"k": 2}, "c": [{"k": 3}, {"k": 4}]})"), "parsed");
}

TEST(StrictJson, MalformedTextGivesLineAndColumn) {
  auto r = ParseStrictJson("{\n  \"a\": 1,\n  \"b\": ]\n}", "m.json");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("m.json:3:8: malformed JSON: "));
  auto trailing = ParseStrictJson("{} x", "t.json");
  ASSERT_FALSE(trailing.ok());
  EXPECT_THAT(trailing.status().message(), HasSubstr("t.json:1:4: malformed JSON"));
  EXPECT_FALSE(ParseStrictJson("", "e.json").ok());
  EXPECT_FALSE(ParseStrictJson("[1, 2", "u.json").ok());
}

}  // namespace
}  // namespace dxt::codec
