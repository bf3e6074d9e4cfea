// Result lists (SPEC R4.1):
//
//   result-list = count *pair     ; exactly `count` pair frames (kv_frame.cc)
//   count       = u32le           ; may be 0; <= Limits::max_pairs_per_list
//
// The pair vector grows only as pairs are decoded, never from the claimed count.
#include "codec/result_list.h"

#include <limits>

#include "absl/strings/str_cat.h"

namespace dxt::codec {

Decoded<uint32_t> DecodeListHeader(std::string_view in, const Limits& limits) {
  using D = Decoded<uint32_t>;
  if (in.size() < kListHeaderSize) return D::Incomplete();
  const uint32_t count = LoadU32(in.data());
  if (count > limits.max_pairs_per_list) {
    return D::OverLimit(
        absl::StrCat("list count ", count, " exceeds limit ", limits.max_pairs_per_list, " (R4.1)"),
        0, count);
  }
  return D::Ok(count, kListHeaderSize);
}

Decoded<ResultListView> DecodeResultList(std::string_view in, const Limits& limits) {
  using D = Decoded<ResultListView>;
  Decoded<uint32_t> header = DecodeListHeader(in, limits);
  if (header.invalid()) return D::From(header, header.reason, header.error_offset);
  if (header.incomplete()) return D::Incomplete();
  ResultListView list;
  size_t pos = header.consumed;
  for (uint32_t i = 0; i < header.value; ++i) {
    Decoded<PairView> pair = DecodePair(in.substr(pos), limits);
    if (pair.incomplete()) return D::Incomplete();
    if (pair.invalid()) {
      return D::From(pair, absl::StrCat("pair ", i, ": ", pair.reason), pos + pair.error_offset);
    }
    list.pairs.push_back(pair.value);
    pos += pair.consumed;
  }
  return D::Ok(std::move(list), pos);
}

void AppendListHeader(std::string* out, uint32_t count) { AppendU32(out, count); }

absl::Status AppendResultList(std::string* out, std::span<const PairView> pairs) {
  if (pairs.size() > std::numeric_limits<uint32_t>::max()) {
    return absl::InvalidArgumentError(
        absl::StrCat("list of ", pairs.size(), " pairs does not fit a u32 count (R4.1)"));
  }
  // Build aside so a failing pair leaves `out` untouched.
  std::string list;
  AppendListHeader(&list, static_cast<uint32_t>(pairs.size()));
  for (const PairView& p : pairs) {
    if (absl::Status s = AppendPair(&list, p.key, p.value); !s.ok()) return s;
  }
  out->append(list);
  return absl::OkStatus();
}

}  // namespace dxt::codec
