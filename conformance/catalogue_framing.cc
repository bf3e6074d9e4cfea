// Sections 3 (pair framing) and 4 (result lists) of the catalogue: sizes, bytes and counts, in
// both modes. Identity mode turns each into a byte-for-byte round trip.
#include "conformance/catalogue.h"
#include "conformance/catalogue_util.h"

namespace dxt::conformance {

using namespace internal;  // NOLINT: table builders

namespace {

Entry& AddPairs(std::vector<Entry>* out, std::string id, std::string title,
                std::vector<std::string> rules, std::vector<Generator> gens) {
  Entry& e = Add(out, std::move(id), std::move(title), std::move(rules), kBoth);
  e.input.generated = std::move(gens);
  return e;
}

Entry& AddLiteral(std::vector<Entry>* out, std::string id, std::string title,
                  std::vector<std::string> rules, std::vector<OwnedPair> pairs) {
  Entry& e = Add(out, std::move(id), std::move(title), std::move(rules), kBoth);
  e.input.literal = std::move(pairs);
  return e;
}

void AddShapes(std::vector<Entry>* out) {
  AddLiteral(out, "3.1.1", "an empty key and an empty value", {"R3.1"}, {{"", ""}, {"k", "v"}});
  AddLiteral(out, "3.1.2", "an empty key", {"R3.1", "R5.5"}, {{"", "value"}});
  AddLiteral(out, "3.1.3", "an empty value", {"R3.1"}, {{"key", ""}, {"k", "v"}});
  AddPairs(out, "3.1.4", "keys holding every byte value", {"R3.1"},
           {Gen(16, 256, 4, Pattern::kAllBytes, 4)});
  AddPairs(out, "3.1.5", "values holding every byte value", {"R3.1"},
           {Gen(16, 4, 256, Pattern::kAllBytes, 5)});
  AddLiteral(out, "3.1.6", "a 1-byte key and a 1-byte value", {"R3.1"}, {{"k", "v"}});
  AddPairs(out, "3.1.7", "value sizes 0 to 300, one pair each", {"R3.1"}, {});
  for (size_t n = 0; n <= 300; ++n)
    out->back().input.generated.push_back(Gen(1, 3, n, Pattern::kLetters, n));
  AddPairs(out, "3.1.8", "key sizes 0 to 300, one pair each", {"R3.1"}, {});
  for (size_t n = 0; n <= 300; ++n)
    out->back().input.generated.push_back(Gen(1, n, 3, Pattern::kLetters, n));
  // Lengths whose little-endian bytes are text-like (0x0A, 0x20, 0x30) or need every byte.
  AddPairs(out, "3.1.9", "length fields holding \\n, space and digit bytes (10, 32, 48, 2570)",
           {"R3.1"}, {Gen(1, 10, 32), Gen(1, 48, 10), Gen(1, 2570, 2570), Gen(1, 0x0A0A, 0x2020)});
  AddPairs(out, "3.1.10", "a value of 256 bytes (length byte order: 00 01 00 00)", {"R3.1"},
           {Gen(1, 2, 256), Gen(1, 256, 1)});
  AddPairs(out, "3.1.11", "values of NUL bytes", {"R3.1"}, {FillGen(4, 8, 4096, '\0')});
  AddPairs(out, "3.1.12", "values of 0xFF bytes", {"R3.1"},
           {FillGen(4, 8, 4096, static_cast<char>(0xFF))});
  AddLiteral(out, "3.1.13", "UTF-8, CRLF and lone \\r in keys and values", {"R3.1"},
             {{"clé", "naïve café ☕"}, {"a\r\nb", "line1\r\nline2\r\n"}, {"\r", "\r"}});
  AddLiteral(out, "3.1.14", "a value that looks like a pair frame", {"R3.1"},
             {{Bytes("\x01\0\0\0k", 5), Bytes("\x01\0\0\0v\x01\0\0\0", 9)}});
  AddPairs(out, "3.1.15", "200 pairs of random binary keys and values", {"R3.1"},
           {Gen(200, 33, 300, Pattern::kRandom, 15)});
}

void AddSizes(std::vector<Entry>* out) {
  AddPairs(out, "3.1.16", "a 64 KiB value (a pipe buffer)", {"R3.1"}, {Gen(1, 3, 64 * kKiB)});
  AddPairs(out, "3.1.17", "values of 64 KiB - 1 and 64 KiB + 1", {"R3.1"},
           {Gen(1, 3, 64 * kKiB - 1), Gen(1, 3, 64 * kKiB + 1)});
  AddPairs(out, "3.1.18", "a 1 MiB value", {"R3.1"}, {Gen(1, 3, kMiB, Pattern::kRandom, 18)});
  AddPairs(out, "3.1.19", "a 1 MiB key", {"R3.1"}, {Gen(1, kMiB, 3, Pattern::kAllBytes, 19)});
  Entry& big = AddPairs(out, "3.1.20", "a 16 MiB value", {"R3.1", "R3.2"},
                        {Gen(1, 3, 16 * kMiB, Pattern::kAllBytes, 20)});
  big.heavy = true;
  AddPairs(out, "3.1.21", "100 000 small pairs", {"R3.1"}, {Gen(100000, 6, 10)}).delivery =
      judge::Delivery::kPipeline;  // lockstep at this count is a benchmark
  AddPairs(out, "3.1.22", "1 MiB value, then small pairs", {"R3.1"},
           {Gen(1, 3, kMiB), Gen(10, 3, 3)});
  AddPairs(out, "3.2.1", "answers of 4 MiB stay within the driver's item limit", {"R3.2", "R3.1"},
           {Gen(2, 4, 4 * kMiB, Pattern::kRandom, 21)})
      .heavy = true;
  AddPairs(out, "3.3.1", "stdout ends on a pair boundary after binary values", {"R3.3", "R4.1"},
           {Gen(20, 7, 1000, Pattern::kAllBytes, 31)});
}

void AddLists(std::vector<Entry>* out) {
  AddLiteral(out, "4.1.1", "one list per answer, its count equal to its pairs", {"R4.1"}, Plain(5));
  AddPairs(out, "4.1.2", "1000 pairs: every list's count matches", {"R4.1"}, {Gen(1000, 5, 20)});
  AddLiteral(out, "4.2.1", "text-looking input is answered with lists only", {"R4.2"},
             {{"hello", "world\n"}, {"", "plain line\n"}, {"GET / HTTP/1.0\r\n", "\r\n"}});
  AddPairs(out, "4.2.2", "input full of newlines: stdout still holds only lists", {"R4.2"},
           {FillGen(10, 5, 100, '\n')});
}

}  // namespace

void AddFramingEntries(std::vector<Entry>* out) {
  AddShapes(out);
  AddSizes(out);
  AddLists(out);
}

}  // namespace dxt::conformance
