#include "codec/strict_json.h"

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace dxt::codec {
namespace {

using Json = nlohmann::ordered_json;

// The key text as it would read in the file (escapes for control bytes), shortened.
std::string Shown(const std::string& key) {
  const std::string escaped = absl::CHexEscape(key.substr(0, 80));
  return key.size() > 80 ? escaped + "..." : escaped;
}

// Builds the document from the parser's events, as nlohmann's own DOM builder does, and stops at
// the first key an open object already holds. (nlohmann's callback parser cannot stop, and
// rescans an array's elements at each object's end: quadratic in a script of 100 000 pairs.)
class StrictBuilder : public nlohmann::json_sax<Json> {
 public:
  bool null() override { return Place(nullptr); }
  bool boolean(bool v) override { return Place(v); }
  bool number_integer(number_integer_t v) override { return Place(v); }
  bool number_unsigned(number_unsigned_t v) override { return Place(v); }
  bool number_float(number_float_t v, const string_t&) override { return Place(v); }
  bool string(string_t& v) override { return Place(std::move(v)); }
  bool binary(binary_t& v) override { return Place(Json::binary(v)); }
  bool start_object(std::size_t) override { return Open(Json::object(), "the top-level object"); }
  bool key(string_t& k) override {
    OpenValue& o = open_.back();
    if (!o.keys.insert(k).second) {
      duplicate_ = absl::StrCat("duplicate key \"", Shown(k), "\" in ", o.name);
      return false;
    }
    o.last_key = k;
    return true;
  }
  bool end_object() override {
    open_.pop_back();
    return true;
  }
  bool start_array(std::size_t) override { return Open(Json::array(), "the top-level array"); }
  bool end_array() override {
    open_.pop_back();
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) override {
    const auto* parse = dynamic_cast<const Json::parse_error*>(&e);
    error_byte_ = parse != nullptr ? parse->byte : 0;
    error_ = e.what();
    return false;
  }

  Json& root() { return root_; }
  const std::string& duplicate() const { return duplicate_; }
  const std::optional<std::string>& error() const { return error_; }
  size_t error_byte() const { return error_byte_; }

 private:
  struct OpenValue {
    Json* json;
    std::string name;  // what messages call it
    std::set<std::string> keys;
    std::string last_key;
  };

  // Places an object or array and keeps it open; messages call it `top_level` at the root, "the
  // object of \"<key>\"" as a key's value, and as its array otherwise.
  bool Open(Json container, const char* top_level) {
    std::string name = top_level;
    if (!open_.empty())
      name = open_.back().json->is_object()
                 ? absl::StrCat("the object of \"", Shown(open_.back().last_key), "\"")
                 : open_.back().name;
    Place(std::move(container));
    open_.push_back({placed_, std::move(name), {}, ""});
    return true;
  }

  // Places a value where the parser is: the root, the next array element, or the last key's value
  // (placed_ points at it).
  bool Place(Json v) {
    if (open_.empty()) {
      root_ = std::move(v);
      placed_ = &root_;
      return true;
    }
    OpenValue& o = open_.back();
    if (o.json->is_array()) {
      o.json->push_back(std::move(v));
      placed_ = &o.json->back();
    } else {
      placed_ = &((*o.json)[o.last_key] = std::move(v));
    }
    return true;
  }

  Json root_;
  Json* placed_ = nullptr;
  std::vector<OpenValue> open_;
  std::string duplicate_;
  std::optional<std::string> error_;
  size_t error_byte_ = 0;
};

}  // namespace

absl::StatusOr<Json> ParseStrictJson(std::string_view text, std::string_view origin) {
  StrictBuilder builder;
  Json::sax_parse(text.begin(), text.end(), &builder);
  if (!builder.duplicate().empty())
    return absl::InvalidArgumentError(absl::StrCat(std::string(origin), ": ", builder.duplicate()));
  if (builder.error()) {
    // line:column from the byte position, as editors count them.
    const size_t byte = builder.error_byte();
    size_t line = 1, column = 1;
    const size_t end = std::min<size_t>(byte == 0 ? 0 : byte - 1, text.size());
    for (size_t i = 0; i < end; ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    return absl::InvalidArgumentError(absl::StrCat(std::string(origin), ":", line, ":", column,
                                                   ": malformed JSON: ", *builder.error()));
  }
  return std::move(builder.root());
}

}  // namespace dxt::codec
