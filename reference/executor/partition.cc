#include "reference/executor/partition.h"

#include <openssl/evp.h>

#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "reference/executor/absl_compat.h"

namespace dxt::executor {
namespace {

std::string Shown(std::string_view key) {
  constexpr size_t kMaxShown = 64;
  std::string s = absl::CHexEscape(Av(key.substr(0, kMaxShown)));
  if (key.size() > kMaxShown) s += "...";
  return absl::StrCat("\"", s, "\"");
}

}  // namespace

uint32_t DefaultPartition(std::string_view key, uint32_t n) {
  if (n == 1) return 0;  // any digest mod 1; skips the MD5 of every pair of a 1-partition job
  // EVP_Digest looks the algorithm up on every call (~1 us with OpenSSL 3); every map output
  // pair is partitioned, so fetch MD5 once and keep one context per thread.
  static EVP_MD* const md5 = EVP_MD_fetch(nullptr, "MD5", nullptr);
  thread_local std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(),
                                                                         &EVP_MD_CTX_free);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  EVP_DigestInit_ex2(ctx.get(), md5, nullptr);
  EVP_DigestUpdate(ctx.get(), key.data(), key.size());
  EVP_DigestFinal_ex(ctx.get(), digest, &len);
  // Horner's rule keeps the remainder small: (r * 256 + byte) mod n equals the big-endian value
  // of the digest mod n without a 128-bit integer.
  uint64_t r = 0;
  for (unsigned i = 0; i < len; ++i) r = (r * 256 + digest[i]) % n;
  return static_cast<uint32_t>(r);
}

uint32_t DefaultPartitioner::Of(std::string_view key) {
  if (n_ == 1) return 0;
  if (auto it = memo_.find(Av(key)); it != memo_.end()) return it->second;
  const uint32_t p = DefaultPartition(key, n_);
  if (memo_.size() < max_keys_) memo_.emplace(std::string(key), p);
  return p;
}

absl::StatusOr<int64_t> ParseIntegerKey(std::string_view key) {
  std::string_view s = Sv(absl::StripAsciiWhitespace(Av(key)));
  std::string_view digits = s;
  if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) digits.remove_prefix(1);
  bool ok = !digits.empty();
  for (char c : digits) ok = ok && absl::ascii_isdigit(static_cast<unsigned char>(c));
  int64_t v = 0;
  if (!ok || !absl::SimpleAtoi(Av(s), &v)) {
    return absl::InvalidArgumentError(
        absl::StrCat("key ", Shown(key), " is not a decimal integer (64-bit)"));
  }
  return v;
}

absl::StatusOr<uint32_t> RangePartitionOf(std::string_view key, int64_t min, int64_t max,
                                          uint32_t n) {
  absl::StatusOr<int64_t> k = ParseIntegerKey(key);
  if (!k.ok()) return k.status();
  if (*k < min || *k > max) {
    return absl::InvalidArgumentError(absl::StrCat("key ", Shown(key), " is outside the range [",
                                                   min, ", ", max, "] of the range partition"));
  }
  using i128 = __int128;
  const i128 num = (i128{*k} - min) * (n - 1);
  const i128 den = i128{max} - min;
  i128 q = num / den;
  const i128 twice_rem = 2 * (num % den);
  if (twice_rem > den || (twice_rem == den && (q % 2) == 1)) ++q;
  return static_cast<uint32_t>(q);
}

}  // namespace dxt::executor
