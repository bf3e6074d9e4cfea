// Sections 5 (map conversation) and 6 (reduce conversation) of the catalogue, including the
// delivery cases: pairs written byte by byte and in random chunks with pauses (a program must
// not assume that a pair arrives in one read).
#include "conformance/catalogue.h"
#include "conformance/catalogue_util.h"

namespace dxt::conformance {

using namespace internal;  // NOLINT: table builders
using std::chrono::milliseconds;

namespace {

Entry& AddIn(std::vector<Entry>* out, Modes modes, std::string id, std::string title,
             std::vector<std::string> rules, std::vector<Generator> gens) {
  Entry& e = Add(out, std::move(id), std::move(title), std::move(rules), modes);
  e.input.generated = std::move(gens);
  return e;
}

Chunking Chunks(size_t min, size_t max, int chunk_pause_ms, int pair_pause_ms, uint64_t seed) {
  return {min, max, milliseconds(chunk_pause_ms), milliseconds(pair_pause_ms), seed};
}

// Nothing for `ms` after the parameter block, then every pair at once.
Chunking FirstPause(int ms) {
  Chunking c = Chunks(0, 0, 0, ms, 1);
  c.first_pause_only = true;
  return c;
}

void AddMapLockstep(std::vector<Entry>* out) {
  AddIn(out, kMapOnly, "5.1.1", "one pair, one list", {"R5.1", "R5.2"}, {Gen(1, 5, 5)});
  AddIn(out, kMapOnly, "5.1.2", "two pairs in lockstep", {"R5.1", "R5.2"}, {Gen(2, 5, 5)});
  AddIn(out, kMapOnly, "5.1.3", "100 pairs in lockstep", {"R5.1", "R5.2"}, {Gen(100, 8, 30)});
  AddIn(out, kMapOnly, "5.1.4", "2000 pairs in lockstep", {"R5.1", "R5.2"},
        {Gen(2000, 8, 16, Pattern::kRandom, 54)});
  AddIn(out, kMapOnly, "5.1.5", "an answer larger than a pipe buffer (256 KiB)", {"R5.1", "R6.2"},
        {Gen(1, 3, 256 * kKiB), Gen(2, 3, 3)});
  AddIn(out, kMapOnly, "5.1.6", "a 4 MiB answer, then a small one", {"R5.1", "R5.2"},
        {Gen(1, 3, 4 * kMiB, Pattern::kRandom, 56), Gen(1, 3, 3)});
  AddIn(out, kMapOnly, "5.1.7", "alternating tiny and 100 KiB pairs", {"R5.1", "R5.2"},
        {Gen(1, 1, 1), Gen(1, 3, 100 * kKiB), Gen(1, 1, 1), Gen(1, 3, 100 * kKiB), Gen(1, 1, 1)});
  AddIn(out, kMapOnly, "5.1.8", "1000 pairs pipelined (write-ahead), one list each",
        {"R5.1", "R5.2"}, {Gen(1000, 8, 64)})
      .delivery = judge::Delivery::kPipeline;
  AddIn(out, kMapOnly, "5.1.9", "a 16 MiB value answered in lockstep", {"R5.1", "R3.1"},
        {Gen(1, 3, 16 * kMiB, Pattern::kLetters, 59)})
      .heavy = true;
  // Flushing: each list must appear while stdin is still open.
  AddIn(out, kMapOnly, "5.2.1", "five tiny pairs: each list flushed before the next pair", {"R5.2"},
        {Gen(5, 1, 1)});
  AddIn(out, kMapOnly, "5.2.2", "ten pairs with 30 ms pauses between them", {"R5.2", "R5.1"},
        {Gen(10, 4, 10)})
      .chunking = Chunks(0, 0, 0, 30, 1);
  AddIn(out, kMapOnly, "5.2.3", "the first pair only after a 300 ms pause", {"R5.2", "R5.3"},
        {Gen(3, 4, 10)})
      .chunking = FirstPause(300);
  AddIn(out, kMapOnly, "5.2.4", "an empty value answered before the next pair", {"R5.2"},
        {Gen(3, 3, 0)});
  AddIn(out, kMapOnly, "5.3.1", "no list before the first pair has been read", {"R5.3"},
        {Gen(2, 3, 3)});
  AddIn(out, kMapOnly, "5.3.2", "no list before a slowly delivered first pair", {"R5.3"},
        {Gen(2, 30, 30)})
      .chunking = Chunks(4, 4, 10, 0, 2);
  Entry& none = Add(out, "5.4.1", "no input pairs: exits promptly once stdin closes",
                    {"R5.4", "R8.1"}, kMapOnly);
  (void)none;
  AddIn(out, kMapOnly, "5.4.2", "answers the last pair without waiting for end-of-input",
        {"R5.4", "R5.2"}, {Gen(3, 4, 4)});
  Entry& lines = Add(out, "5.5.1", "plain lines: entries with an empty key", {"R5.5"}, kMapOnly);
  lines.input.literal = {{"", "first line"}, {"", "second line"}, {"", ""}};
  Entry& mixed = Add(out, "5.5.2", "plain lines mixed with key/value entries", {"R5.5"}, kMapOnly);
  mixed.input.literal = {{"", "line"}, {"k", "v"}, {"", "another line"}, {"k2", ""}};
}

void AddDelivery(std::vector<Entry>* out) {
  // The same cases in both conversations (ids in section 5 for map, 6 for reduce).
  struct Shape {
    const char* suffix;
    const char* title;
    Chunking chunking;
    std::vector<Generator> gens;
  };
  const std::vector<Shape> shapes = {
      {"10", "pairs written one byte per write", Chunks(1, 1, 0, 0, 1), {Gen(20, 6, 20)}},
      {"11",
       "pairs in random 1-7 byte chunks with 1 ms pauses",
       Chunks(1, 7, 1, 0, 2),
       {Gen(10, 5, 40, Pattern::kRandom, 11)}},
      {"12",
       "a 200 KiB pair in random 1-64 KiB chunks with pauses",
       Chunks(1, 64 * kKiB, 3, 0, 3),
       {Gen(1, 3, 200 * kKiB, Pattern::kRandom, 12), Gen(2, 3, 3)}},
      {"13",
       "length fields split across writes (3-byte chunks)",
       Chunks(3, 3, 0, 0, 4),
       {Gen(30, 5, 5)}},
      {"14",
       "random chunks, pauses inside and between pairs",
       Chunks(1, 32, 2, 15, 5),
       {Gen(8, 10, 50, Pattern::kAllBytes, 14)}},
  };
  for (Mode mode : {Mode::kMap, Mode::kReduce}) {
    const bool map = mode == Mode::kMap;
    for (const Shape& s : shapes) {
      Entry& e =
          AddIn(out, map ? kMapOnly : kReduceOnly, std::string(map ? "5.1." : "6.1.") + s.suffix,
                s.title, {"R3.1", map ? "R5.1" : "R6.1"}, s.gens);
      e.chunking = s.chunking;
    }
  }
}

void AddReduce(std::vector<Entry>* out) {
  Add(out, "6.1.1", "no input pairs: reads to end-of-input and exits", {"R6.1", "R6.3"},
      kReduceOnly);
  AddIn(out, kReduceOnly, "6.1.2", "one pair", {"R6.1"}, {Gen(1, 5, 5)});
  AddIn(out, kReduceOnly, "6.1.3", "100 000 pairs", {"R6.1", "R6.2"}, {Gen(100000, 7, 9)});
  AddIn(out, kReduceOnly, "6.1.4", "a 16 MiB value", {"R6.1", "R6.2", "R3.1"},
        {Gen(1, 3, 16 * kMiB, Pattern::kRandom, 64)})
      .heavy = true;
  AddIn(out, kReduceOnly, "6.1.5", "the input ends with an empty pair", {"R6.1", "R3.1"},
        {Gen(3, 3, 3), Gen(1, 0, 0)});
  AddIn(out, kReduceOnly, "6.1.6", "duplicate, unsorted keys", {"R6.1"},
        {Gen(50, 1, 4, Pattern::kRandom, 66)});
  AddIn(out, kReduceOnly, "6.1.7", "20 pairs with 20 ms pauses between them", {"R6.1"},
        {Gen(20, 4, 8)})
      .chunking = Chunks(0, 0, 0, 20, 1);
  AddIn(out, kReduceOnly, "6.1.8", "10 000 one-byte pairs", {"R6.1"}, {Gen(10000, 1, 1)});
  AddIn(out, kReduceOnly, "6.2.1", "large values both ways: 4 x 4 MiB in, echoed out",
        {"R6.2", "R6.1"}, {Gen(4, 8, 4 * kMiB, Pattern::kAllBytes, 71)})
      .heavy = true;
  AddIn(out, kReduceOnly, "6.2.2", "output while reading: 8 MiB of 64 KiB pairs", {"R6.2"},
        {Gen(128, 8, 64 * kKiB, Pattern::kLetters, 72)});
  AddIn(out, kReduceOnly, "6.2.3", "a 1 MiB key and value pair, then small pairs", {"R6.2"},
        {Gen(1, kMiB, kMiB, Pattern::kRandom, 73), Gen(5, 3, 3)});
  AddIn(out, kReduceOnly, "6.3.1", "exits and closes stdout once stdin closes", {"R6.3", "R8.1"},
        {Gen(10, 5, 5)});
  AddIn(out, kReduceOnly, "6.3.2", "pairs 100 ms apart, then end-of-input: exits promptly",
        {"R6.3", "R6.1"}, {Gen(2, 5, 5)})
      .chunking = Chunks(0, 0, 0, 100, 1);
}

}  // namespace

void AddMapEntries(std::vector<Entry>* out) { AddMapLockstep(out); }

void AddReduceEntries(std::vector<Entry>* out) {
  AddDelivery(out);
  AddReduce(out);
}

}  // namespace dxt::conformance
