// A faithful model of how the original C helper library (Disco's ext/disco.c, read_parameters)
// reads the parameter block from stdin, misreadings included (SPEC R2.5). The harness uses it to
// predict what a program built on that library will see; it is NOT a correct decoder.
//
// What the original does, byte for byte:
//  - total length: fscanf("%u") - skips leading whitespace, optional sign, decimal digits; then
//    one byte is read and ignored (meant to be the "\n").
//  - while accounted bytes < total: read key entry, read value entry, each as
//      fscanf("%u %n"): skip whitespace, digits, then skip ANY run of whitespace (zero or more),
//      n = characters consumed by that call; then read `len` data bytes; if len > 0 read one more
//      byte (meant to be the separator) else n -= 1; accounted += len + n + 1.
//    A key that begins with whitespace therefore loses it and the entry shifts; an empty last value
//    makes the skip run past the block into the first pair when that pair starts with a whitespace
//    byte (a key length of 9..13 or 32 has such a first byte), and accounted > total then dies.
//  - keys are C strings (JudySL): a key is cut at its first NUL; a later duplicate key overwrites.
//  - accounted > total at the end: die("Invalid parameter set size").
#ifndef DXT_CODEC_DISCO_C_PARAMS_H_
#define DXT_CODEC_DISCO_C_PARAMS_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dxt::codec {

struct DiscoCParamsReading {
  enum class Outcome {
    kOk,       // the library returned a dictionary
    kDied,     // the library called die(): `die_message` holds its text (without "**<ERR>")
    kStarved,  // the library would block for (or hit end of) more stdin than `stream` holds
  };
  Outcome outcome = Outcome::kOk;
  std::string die_message;
  // The dictionary as the program sees it: NUL-cut keys, last duplicate wins, in first-seen order.
  std::vector<std::pair<std::string, std::string>> dict;
  // Bytes of `stream` consumed by read_parameters. May exceed the block's real size: the excess
  // was eaten from the pair stream.
  size_t consumed = 0;
};

// Models read_parameters() on the full stdin `stream` a program would receive (parameter block
// followed by whatever pair frames come next). Never crashes, whatever the bytes.
DiscoCParamsReading ReadParamsLikeDiscoC(std::string_view stream);

}  // namespace dxt::codec

#endif  // DXT_CODEC_DISCO_C_PARAMS_H_
