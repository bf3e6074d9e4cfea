// Result lists (SPEC R4): <u32le count> followed by exactly `count` pair frames.
#ifndef DXT_CODEC_RESULT_LIST_H_
#define DXT_CODEC_RESULT_LIST_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "codec/decoded.h"
#include "codec/kv_frame.h"
#include "codec/wire_format.h"

namespace dxt::codec {

struct ResultListView {
  std::vector<PairView> pairs;  // views into the decoded buffer
};

// Decodes only the 4-byte count.
//  kInvalid when count > limits.max_pairs_per_list (offset 0).
Decoded<uint32_t> DecodeListHeader(std::string_view in, const Limits& limits = {});

// Decodes one complete result list at the start of `in`.
//  kOk: all `count` pairs decoded; consumed = header + frames.
//  kIncomplete: `in` is a proper prefix of a valid list.
//  kInvalid: count over limit, or a pair length over limit; error_offset points at the
//            offending prefix; reason names the pair index within the list.
// The pair vector grows only as pairs are actually decoded, never from the claimed count.
Decoded<ResultListView> DecodeResultList(std::string_view in, const Limits& limits = {});

void AppendListHeader(std::string* out, uint32_t count);
// Appends a complete list. InvalidArgument for > UINT32_MAX pairs or an oversized string.
absl::Status AppendResultList(std::string* out, std::span<const PairView> pairs);

}  // namespace dxt::codec

#endif  // DXT_CODEC_RESULT_LIST_H_
