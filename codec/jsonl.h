// JSON lines for byte strings: the binary-safe convention of `dxt encode|decode|cat`.
//
// A byte string is written as a JSON string when it is valid UTF-8 (NUL and control bytes are
// valid and come out as \u escapes), otherwise as {"base64": "<RFC 4648 base64, padded>"}.
// Reading accepts either form for any byte string, whatever its content.
//
//   pair:        {"key": BYTES, "value": BYTES}
//   result list: {"list": [pair, ...]}
//   params:      {"k": BYTES, ...} (a dictionary, in file order) or {"raw": BYTES}
//
// Errors are absl::Status values whose text is fit to follow "line N: ".
#ifndef DXT_CODEC_JSONL_H_
#define DXT_CODEC_JSONL_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace dxt::codec {

// Ordered so that a params dictionary keeps the order it was written in.
using Json = nlohmann::ordered_json;

// Strict UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool IsValidUtf8(std::string_view bytes);

std::string Base64Encode(std::string_view bytes);
// Accepts only canonical text, the one Base64Encode writes. InvalidArgument naming the text on a
// character outside the alphabet, whitespace, missing padding or non-zero unused bits.
absl::StatusOr<std::string> Base64Decode(std::string_view text);

// The JSON value of a byte string (see the convention above). Never fails.
Json BytesToJson(std::string_view bytes);
// The byte string of a JSON value: a string, or an object with exactly one "base64" string.
// InvalidArgument otherwise (the text says what was found).
absl::StatusOr<std::string> JsonToBytes(const Json& value);

Json PairToJson(std::string_view key, std::string_view value);
// {"key": BYTES, "value": BYTES}; both members required, no others. InvalidArgument otherwise.
absl::StatusOr<std::pair<std::string, std::string>> JsonToPair(const Json& value);

// One line of JSON text (without its "\n"). InvalidArgument with the parser's message.
absl::StatusOr<Json> ParseJsonLine(std::string_view line);
// The compact text of `value` followed by "\n".
std::string JsonLine(const Json& value);

}  // namespace dxt::codec

#endif  // DXT_CODEC_JSONL_H_
