#include "codec/strict_json.h"

#include <set>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace dxt::codec {
namespace {

using Json = nlohmann::ordered_json;

// Keys seen in each open object, innermost last, and what the object is called in messages.
struct OpenObject {
  std::string name;
  std::set<std::string> keys;
  std::string last_key;
};

// The key text as it would read in the file (escapes for control bytes), shortened.
std::string Shown(const std::string& key) {
  const std::string escaped = absl::CHexEscape(key.substr(0, 80));
  return key.size() > 80 ? escaped + "..." : escaped;
}

}  // namespace

absl::StatusOr<Json> ParseStrictJson(std::string_view text, std::string_view origin) {
  std::vector<OpenObject> open;
  std::string duplicate;  // the first repeated key, with where it was
  // Runs for every parse event; the parser cannot be stopped from here, so the first duplicate
  // is remembered and reported after the parse.
  Json::parser_callback_t callback = [&](int, Json::parse_event_t event, Json& parsed) {
    switch (event) {
      case Json::parse_event_t::object_start:
        open.push_back({open.empty() ? "the top-level object"
                                     : absl::StrCat("the object of \"", Shown(open.back().last_key), "\""),
                        {}, ""});
        break;
      case Json::parse_event_t::key: {
        OpenObject& o = open.back();
        o.last_key = parsed.get<std::string>();
        if (!o.keys.insert(o.last_key).second && duplicate.empty()) {
          duplicate = absl::StrCat("duplicate key \"", Shown(o.last_key), "\" in ", o.name);
        }
        break;
      }
      case Json::parse_event_t::object_end:
        open.pop_back();
        break;
      default:
        break;
    }
    return true;
  };
  Json j;
  try {
    j = Json::parse(text.begin(), text.end(), callback);
  } catch (const Json::parse_error& e) {
    // line:column from the byte position, as editors count them.
    size_t line = 1, column = 1;
    const size_t end = std::min<size_t>(e.byte == 0 ? 0 : e.byte - 1, text.size());
    for (size_t i = 0; i < end; ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    return absl::InvalidArgumentError(absl::StrCat(std::string(origin), ":", line, ":", column,
                                                   ": malformed JSON: ", e.what()));
  }
  if (!duplicate.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(std::string(origin), ": ", duplicate));
  }
  return j;
}

}  // namespace dxt::codec
