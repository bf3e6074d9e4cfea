// One strict parse for every JSON file a user writes (job files, --script case files): the
// whole text must be one JSON document, and no object may repeat a key. nlohmann's own parser
// keeps the last of two equal keys, so `{"input": ["a"], "input": ["b"]}` would silently run on b.
#ifndef DXT_CODEC_STRICT_JSON_H_
#define DXT_CODEC_STRICT_JSON_H_

#include <string_view>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace dxt::codec {

// Parses `text`, named `origin` in errors. InvalidArgument:
//   "<origin>:<line>:<column>: malformed JSON: <parser message>"
//   "<origin>: duplicate key \"<key>\" in <the object: top level, or the key holding it>"
absl::StatusOr<nlohmann::ordered_json> ParseStrictJson(std::string_view text,
                                                        std::string_view origin);

}  // namespace dxt::codec

#endif  // DXT_CODEC_STRICT_JSON_H_
