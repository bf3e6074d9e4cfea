// The byte-string JSON convention (see jsonl.h). Why UTF-8-or-base64: text stays readable and
// diffable in the common case, and any byte string still round-trips exactly.
#include "codec/jsonl.h"

#include <cstdlib>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace dxt::codec {

bool IsValidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    const unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2, cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3, cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4, cp = c & 0x07;
    } else {
      return false;
    }
    if (n - i < len) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000)) return false;  // overlong
    if (cp >= 0xD800 && cp <= 0xDFFF) return false;                            // surrogate
    if (cp > 0x10FFFF) return false;
    i += len;
  }
  return true;
}

std::string Base64Encode(std::string_view bytes) {
  return absl::Base64Escape(absl::string_view(bytes.data(), bytes.size()));
}

absl::StatusOr<std::string> Base64Decode(std::string_view text) {
  // Only the one text Base64Encode writes is accepted: no missing padding, no whitespace, no
  // stray low bits, so a byte string has exactly one spelling.
  std::string out;
  if (!absl::Base64Unescape(absl::string_view(text.data(), text.size()), &out) ||
      Base64Encode(out) != text) {
    const std::string shown(text.substr(0, 40));
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", absl::CHexEscape(shown), text.size() > 40 ? "...": "",
        "\" is not canonical base64 (RFC 4648 with padding, no whitespace)"));
  }
  return out;
}

Json BytesToJson(std::string_view bytes) {
  if (IsValidUtf8(bytes)) return Json(std::string(bytes));
  Json obj = Json::object();
  obj["base64"] = Base64Encode(bytes);
  return obj;
}

absl::StatusOr<std::string> JsonToBytes(const Json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_object() && value.size() == 1 && value.contains("base64") &&
      value["base64"].is_string()) {
    return Base64Decode(value["base64"].get_ref<const std::string&>());
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "expected a string or {\"base64\": string}, found ", value.dump().substr(0, 80)));
}

Json PairToJson(std::string_view key, std::string_view value) {
  Json obj = Json::object();
  obj["key"] = BytesToJson(key);
  obj["value"] = BytesToJson(value);
  return obj;
}

absl::StatusOr<std::pair<std::string, std::string>> JsonToPair(const Json& value) {
  if (!value.is_object() || value.size() != 2 || !value.contains("key") ||
      !value.contains("value")) {
    return absl::InvalidArgumentError("expected {\"key\": ..., \"value\": ...}");
  }
  absl::StatusOr<std::string> key = JsonToBytes(value["key"]);
  if (!key.ok()) return absl::InvalidArgumentError(absl::StrCat("key: ", key.status().message()));
  absl::StatusOr<std::string> val = JsonToBytes(value["value"]);
  if (!val.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("value: ", val.status().message()));
  }
  return std::make_pair(*std::move(key), *std::move(val));
}

absl::StatusOr<Json> ParseJsonLine(std::string_view line) {
  Json value = Json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return absl::InvalidArgumentError("not valid JSON");
  return value;
}

std::string JsonLine(const Json& value) { return value.dump() + "\n"; }

}  // namespace dxt::codec
