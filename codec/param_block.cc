// Parameter block (SPEC R2), the exact reading:
//
//   block  = length LF body
//   length = 1*20DIGIT                  ; decimal byte count of body, <= Limits::max_item_size
//   body   = length OCTET               ; a dictionary (below) or a raw string (R2.4)
//
//   dict   = *entry                     ; "0\n" is the empty dictionary (R2.2)
//   entry  = klen SP key SP vlen SP value LF
//   klen   = 1*20DIGIT                  ; key = klen OCTET, any bytes (R2.3)
//   vlen   = 1*20DIGIT                  ; value = vlen OCTET, any bytes (R2.3)
//
// No sign, no spaces, no leading whitespace: unlike the original C library (disco_c_params.cc),
// every length is read where it must be and the data is taken by count, never by scanning.
#include "codec/param_block.h"

#include <optional>

#include "absl/strings/str_cat.h"

namespace dxt::codec {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Debian's Abseil has its own absl::string_view, which StrCat needs.
absl::string_view Absl(std::string_view s) { return {s.data(), s.size()}; }

// Appends one digit to `value`; false on u64 overflow.
bool AccumulateDigit(uint64_t* value, char c) {
  const uint64_t d = static_cast<uint64_t>(c - '0');
  if (*value > (UINT64_MAX - d) / 10) return false;
  *value = *value * 10 + d;
  return true;
}

}  // namespace

Decoded<std::string_view> DecodeParamBlock(std::string_view in, const Limits& limits) {
  using D = Decoded<std::string_view>;
  uint64_t length = 0;
  size_t i = 0;
  for (; i < in.size() && IsDigit(in[i]); ++i) {
    if (i == kMaxDecimalDigits) {
      return D::Invalid(absl::StrCat("parameter block length has more than ", kMaxDecimalDigits,
                                     " digits (R2.1)"),
                        i);
    }
    // A prefix of the digits never exceeds the final value, so an over-limit prefix is final.
    if (!AccumulateDigit(&length, in[i]) || length > limits.max_item_size) {
      return D::OverLimit(absl::StrCat("parameter block length ", Absl(in.substr(0, i + 1)),
                                       "... exceeds limit ", limits.max_item_size, " (R2.1)"),
                          0, length);
    }
  }
  if (i == in.size()) return D::Incomplete();
  if (i == 0) {
    return D::Invalid("parameter block must start with a decimal length (R2.1)", 0);
  }
  if (in[i] != '\n') {
    return D::Invalid("parameter block length must be followed by \"\\n\" (R2.1)", i);
  }
  const uint64_t header = i + 1;
  if (in.size() - header < length) return D::Incomplete();
  return D::Ok(in.substr(header, length), header + length);
}

namespace {

// Cursor over a dictionary body; every method returns an error message or nullopt.
struct DictCursor {
  std::string_view body;
  size_t pos = 0;
  size_t entry = 0;
  size_t error_offset = 0;

  std::optional<std::string> Fail(size_t at, const std::string& what) {
    error_offset = at;
    return absl::StrCat("entry ", entry, ": ", what, " (R2.1)");
  }

  std::optional<std::string> Length(uint64_t* out, const char* name) {
    const size_t start = pos;
    uint64_t value = 0;
    while (pos < body.size() && IsDigit(body[pos])) {
      if (pos - start == kMaxDecimalDigits || !AccumulateDigit(&value, body[pos])) {
        return Fail(start, absl::StrCat(name, " length too large"));
      }
      ++pos;
    }
    if (pos == start) return Fail(pos, absl::StrCat("expected a digit of the ", name, " length"));
    *out = value;
    return std::nullopt;
  }

  std::optional<std::string> Byte(char want, const char* what) {
    if (pos >= body.size() || body[pos] != want) return Fail(pos, absl::StrCat("expected ", what));
    ++pos;
    return std::nullopt;
  }

  std::optional<std::string> Data(uint64_t len, size_t len_at, const char* name,
                                  std::string_view* out) {
    if (body.size() - pos < len) {
      return Fail(len_at, absl::StrCat(name, " length ", len, " runs past the end of the body"));
    }
    *out = body.substr(pos, len);
    pos += len;
    return std::nullopt;
  }
};

}  // namespace

Decoded<std::vector<PairView>> ParseParamDict(std::string_view body) {
  using D = Decoded<std::vector<PairView>>;
  std::vector<PairView> entries;
  DictCursor c{body};
  while (c.pos < body.size()) {
    uint64_t klen = 0, vlen = 0;
    PairView pair;
    size_t klen_at = c.pos;
    std::optional<std::string> err = c.Length(&klen, "key");
    if (!err) err = c.Byte(' ', "a space after the key length");
    if (!err) err = c.Data(klen, klen_at, "key", &pair.key);
    if (!err) err = c.Byte(' ', "a space after the key");
    size_t vlen_at = c.pos;
    if (!err) err = c.Length(&vlen, "value");
    if (!err) err = c.Byte(' ', "a space after the value length");
    if (!err) err = c.Data(vlen, vlen_at, "value", &pair.value);
    if (!err) err = c.Byte('\n', "\"\\n\" after the value");
    if (err) return D::Invalid(*std::move(err), c.error_offset);
    entries.push_back(pair);
    ++c.entry;
  }
  return D::Ok(std::move(entries), body.size());
}

std::string EncodeParamDict(const ParamDict& dict) {
  std::string body;
  for (const auto& [key, value] : dict) {
    absl::StrAppend(&body, key.size(), " ", key, " ", value.size(), " ", value, "\n");
  }
  return EncodeParamRaw(body);
}

std::string EncodeParamRaw(std::string_view raw) {
  return absl::StrCat(raw.size(), "\n", Absl(raw));
}

}  // namespace dxt::codec
