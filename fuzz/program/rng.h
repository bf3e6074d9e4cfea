// The fuzzer's random numbers and the input-domain seam.
#ifndef DXT_FUZZ_PROGRAM_RNG_H_
#define DXT_FUZZ_PROGRAM_RNG_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace dxt::progfuzz {

// splitmix64: small, fast, seedable, the same stream on every platform.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  uint64_t Below(uint64_t n) { return Next() % n; }  // n > 0
  bool OneIn(uint64_t n) { return Below(n) == 0; }

 private:
  uint64_t state_;
};

// What keys or values a program accepts (a declared input domain).
class Domain {
 public:
  virtual ~Domain() = default;
  virtual bool Holds(std::string_view bytes) const = 0;
  virtual std::string Draw(Rng& rng, size_t size) const = 0;
};

}  // namespace dxt::progfuzz

#endif  // DXT_FUZZ_PROGRAM_RNG_H_
