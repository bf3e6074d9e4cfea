// The parameter block (SPEC R2): "<decimal length>\n<body>", body a netstring-style dictionary
// or a raw string. This is the exact reading; disco_c_params.h reproduces the original C
// library's misreading.
#ifndef DXT_CODEC_PARAM_BLOCK_H_
#define DXT_CODEC_PARAM_BLOCK_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "codec/decoded.h"
#include "codec/kv_frame.h"
#include "codec/wire_format.h"

namespace dxt::codec {

// An ordered dictionary, as sent (order is preserved, duplicate keys are kept as sent).
using ParamDict = std::vector<std::pair<std::string, std::string>>;

// Decodes the block framing at the start of `in` and returns the body (a view into `in`).
//  Header grammar: 1*20DIGIT "\n". No sign, no spaces.
//  kOk: consumed = header + body length.
//  kIncomplete: a proper prefix of a valid block (digits still arriving, or body short).
//  kInvalid: a non-digit where a digit or "\n" belongs, too many digits, or a body length over
//            limits.max_item_size; error_offset is the offending byte.
Decoded<std::string_view> DecodeParamBlock(std::string_view in, const Limits& limits = {});

// Parses a dictionary body exactly: entries `<len> <key> <len> <value>\n`, any bytes allowed in
// keys and values (R2.3). Views point into `body`.
//  kOk: consumed == body.size().
//  kInvalid (never kIncomplete: the body is complete by construction): bad digit, missing
//  separator, length past the end of the body; reason names the entry index, error_offset the
//  byte within `body`.
Decoded<std::vector<PairView>> ParseParamDict(std::string_view body);

// Encodes a dictionary body and its block framing. `{}` encodes as exactly "0\n" (R2.2).
std::string EncodeParamDict(const ParamDict& dict);
// Encodes a raw string block, provided as is (R2.4).
std::string EncodeParamRaw(std::string_view raw);

}  // namespace dxt::codec

#endif  // DXT_CODEC_PARAM_BLOCK_H_
