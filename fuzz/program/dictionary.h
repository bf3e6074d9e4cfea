// Tokens for the program fuzzer (`dxt fuzz --dict FILE`, and the auto-dictionary): byte strings
// that a program may compare its input against, spliced into keys, values and parameters.
//
// Dictionary file: the AFL / libFuzzer format. One token per line, `name="value"` or `"value"`;
// blank lines and lines starting with `#` are ignored. Inside the quotes `\\`, `\"` and `\xNN`
// (two hex digits) are escapes; every other byte stands for itself.
#ifndef DXT_FUZZ_PROGRAM_DICTIONARY_H_
#define DXT_FUZZ_PROGRAM_DICTIONARY_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace dxt::progfuzz {

// Parses a dictionary file. InvalidArgument naming `source`, the line and what is wrong (no
// opening quote, unterminated token, bad \x escape, empty token).
absl::StatusOr<std::vector<std::string>> ParseDictionary(std::string_view text,
                                                         std::string_view source);

// The auto-dictionary: runs of at least `min_len` printable ASCII bytes (0x20-0x7E) in `binary`
// (a program's executable file, as `strings` finds them), in file order, without duplicates, each
// cut at `max_len` bytes; at most `max_tokens` of them. Of an ELF file only the sections the
// program loads as data are read (.rodata, .data and the like: what its code can compare input
// against), never its code, symbol tables or debug information (source and build paths, which
// would make the search depend on where the program was built). Any other file (a script) is
// read whole. Runs that look like compiler or linker noise (symbol names with `_Z`, `GLIBC_`,
// `.so`, section names) and absolute paths are left out.
std::vector<std::string> ExtractTokens(std::string_view binary, size_t min_len = 3,
                                       size_t max_len = 32, size_t max_tokens = 4096);

// The bytes ExtractTokens reads: an ELF file's allocated, non-executable PROGBITS sections in
// file order; the whole file when it is not a well-formed ELF file (every offset is checked: a
// truncated or lying header makes it "not ELF", never an out-of-bounds read).
std::vector<std::string_view> TokenSource(std::string_view file);

// Tokens every conversation may draw whatever the program holds: bytes that escape, quote,
// format, separate or end things in the parsers programs hand-write (a backslash, quotes,
// `%s`, `=`, CR LF, NUL, ...).
const std::vector<std::string>& ClassicTokens();

}  // namespace dxt::progfuzz

#endif  // DXT_FUZZ_PROGRAM_DICTIONARY_H_
