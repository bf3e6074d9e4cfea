// Sections 1 (launch) and 2 (parameter block) of the catalogue.
// Parameter cases set params_probe: on map they are pipelined, so only a misread block, not
// buffering, can change the number of lists (see judge::Case::params_probe). Each sends a few
// pairs after the block, so a program that misreads the block then misreads the pairs. A reduce
// is judged by what it writes and says instead (judge/checks.cc, CheckReduceParams): the skipper
// probe 2.1.8 runs in both modes because the pairs a block-skipper reads there are well-formed,
// so even a quiet program that skips the block shows them in its output.
#include "codec/kv_frame.h"
#include "conformance/catalogue.h"
#include "conformance/catalogue_util.h"

namespace dxt::conformance {

using namespace internal;  // NOLINT: table builders

void AddLaunchEntries(std::vector<Entry>* out) {
  Add(out, "1.1.1", "started with exactly one argument, the mode; answers three pairs",
      {"R1.1", "R8.1"}, kBoth)
      .input.literal = Plain(3);
  Add(out, "1.2.1", "runs from a fresh private directory holding only its own copy", {"R1.2"},
      kBoth)
      .input.literal = Plain(2);
  Entry& files =
      Add(out, "1.3.1", "writes no file in its working directory over 200 pairs", {"R1.3"}, kBoth);
  files.input.generated = {Gen(200, 8, 100)};
  Add(out, "1.4.1", "works with stdin, stdout and stderr as plain pipes and a minimal env",
      {"R1.4"}, kBoth)
      .input.literal = Plain(2);
}

namespace {

Entry& AddParam(std::vector<Entry>* out, std::string id, std::string title,
                std::vector<std::string> rules, codec::ParamDict dict) {
  Entry& e = Add(out, std::move(id), std::move(title), std::move(rules), kBoth);
  e.params.literal = std::move(dict);
  e.input.literal = Plain(4);
  e.params_probe = true;
  e.delivery = judge::Delivery::kPipeline;
  return e;
}

// The skipper probe (R2.1): with the empty block "0\n", a program that does not read the block
// takes "0\n" 00 00 as a key length of 0x0A30; pair 0 is shaped so that its last 4 value bytes
// then read as a value length covering pair 1 exactly: it sees 3 pairs where 4 were sent.
std::vector<OwnedPair> SkipperProbe() {
  OwnedPair p1{"probe-key", "probe-value"};
  std::string value(0x0A30 - 2, 'p');
  std::string tail;
  codec::AppendU32(&tail, static_cast<uint32_t>(codec::PairFrameSize(p1.first, p1.second)));
  value.replace(value.size() - 4, 4, tail);
  return {{"", value}, p1, {"k2", "v2"}, {"k3", "v3"}};
}

void AddBasicParams(std::vector<Entry>* out) {
  AddParam(out, "2.1.1", "the SPEC example dictionary (spaces, newlines in a value)",
           {"R2.1", "R2.3"},
           {{"test1", "1,2,3"}, {"one two three", "dim\ndam\n"}, {"dummy", "value"}});
  AddParam(out, "2.1.2", "one key", {"R2.1"}, {{"key", "value"}});
  AddParam(out, "2.1.3", "1000 keys", {"R2.1"}, {}).params.generated = Gen(1000, 6, 12);
  AddParam(out, "2.1.4", "one 1 MiB value", {"R2.1", "R2.3"}, {}).params.generated =
      Gen(1, 4, kMiB);
  AddParam(out, "2.1.5", "one 64 KiB key", {"R2.1", "R2.3"}, {}).params.generated =
      Gen(1, 64 * kKiB, 5);
  AddParam(out, "2.1.6", "a 300 KiB block of 4096 keys, larger than a pipe buffer", {"R2.1"}, {})
      .params.generated = Gen(4096, 8, 64, Pattern::kRandom, 6);
  AddParam(out, "2.1.7", "values of 9, 10, 99, 100, 999 and 1000 bytes (length digit changes)",
           {"R2.1"},
           {{"a", std::string(9, 'x')},
            {"b", std::string(10, 'x')},
            {"c", std::string(99, 'x')},
            {"d", std::string(100, 'x')},
            {"e", std::string(999, 'x')},
            {"f", std::string(1000, 'x')}});
  Entry& probe = Add(out, "2.1.8", "a program that skips the block would read pairs 0 and 1 as one",
                     {"R2.1", "R2.2"}, kBoth);
  probe.input.literal = SkipperProbe();
  probe.params_probe = true;
  probe.skipper_probe = true;
  probe.fixed_params = true;
  probe.delivery = judge::Delivery::kPipeline;
  Entry& slow = AddParam(out, "2.1.9", "the block and pairs delivered one byte per write",
                         {"R2.1", "R2.3"}, {{"test1", "1,2,3"}, {"k", "dim\ndam\n"}});
  slow.chunking.min_chunk = slow.chunking.max_chunk = 1;
  Entry& chunks = AddParam(out, "2.1.10", "the block delivered in random chunks with pauses",
                           {"R2.1"}, {{"alpha", std::string(3000, 'a')}, {"beta", "b"}});
  chunks.chunking = {1, 700, std::chrono::milliseconds(2), std::chrono::milliseconds(0), 10};
  AddParam(out, "2.2.1", "no parameters: the block is exactly \"0\\n\"", {"R2.2"}, {});
  AddParam(out, "2.2.2", "no parameters and no input pairs", {"R2.2"}, {}).input.literal.clear();
}

void AddByteParams(std::vector<Entry>* out) {
  std::string all;
  for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
  AddParam(out, "2.3.1", "a value holding every byte value 0x00-0xFF", {"R2.3"}, {{"all", all}});
  AddParam(out, "2.3.2", "NUL bytes in a key and a value", {"R2.3"},
           {{Bytes("n\0l", 3), Bytes("\0v\0", 3)}, {"after", "x"}});
  AddParam(out, "2.3.3", "0xFF bytes in a key and a value", {"R2.3"},
           {{"\xff\xff", "\xff"}, {"k", "\xff\xfe\xfd"}});
  AddParam(out, "2.3.4", "newlines in keys and values", {"R2.3"},
           {{"a\nb", "\n"}, {"\n\n", "x\ny\n"}});
  AddParam(out, "2.3.5", "spaces inside keys and values", {"R2.3"},
           {{"one two three", "four five"}, {"k", "a b c "}});
  AddParam(out, "2.3.6", "an empty key", {"R2.3"}, {{"", "value"}, {"k", "v"}});
  AddParam(out, "2.3.7", "an empty last value", {"R2.3"}, {{"k", "v"}, {"last", ""}});
  AddParam(out, "2.3.8", "an empty key with an empty value", {"R2.3"}, {{"", ""}});
  AddParam(out, "2.3.9", "values that look like length fields", {"R2.3"},
           {{"5", "5 abcde\n"}, {"12 ", "3 x 4"}});
  AddParam(out, "2.3.10", "keys and values that look like a whole block", {"R2.3"},
           {{"0\n", "12\n"}, {"7\n1 a 1 b\n", "0\n"}});
  AddParam(out, "2.3.11", "64 random binary keys and values", {"R2.3"}, {}).params.generated =
      Gen(64, 16, 200, Pattern::kRandom, 11);
  AddParam(out, "2.3.12", "a duplicated key, sent twice in order", {"R2.1", "R2.3"},
           {{"dup", "first"}, {"dup", "second"}});
  AddParam(out, "2.3.13", "CRLF and trailing newlines in values", {"R2.3"},
           {{"crlf", "a\r\nb\r\n"}, {"nl", "\n\n\n"}});
}

void AddRawAndDefectParams(std::vector<Entry>* out) {
  auto raw = [&](std::string id, std::string title, std::string text) {
    Entry& e = AddParam(out, std::move(id), std::move(title), {"R2.4"}, {});
    e.params.raw = true;
    e.params.raw_text = std::move(text);
    e.policy = Policy::kInformational;
    e.policy_reason = "a raw string is allowed by the docs, never sent by the original worker";
  };
  raw("2.4.1", "a raw string block, provided as is", "hello world");
  raw("2.4.2", "a raw string with newlines and binary bytes", Bytes("a\nb\0\xff\n", 6));
  raw("2.4.3", "a raw string that looks like a dictionary", "1 a 1 b\n");
  // R2.5: bytes the original C library's parser misreads; a conforming program must not.
  AddParam(out, "2.5.1", "a key that begins with a space", {"R2.5", "R2.3"},
           {{" key", "v"}, {"k", "v"}});
  AddParam(out, "2.5.2", "a value that begins with a space", {"R2.5", "R2.3"},
           {{"k", " value"}, {"k2", "v"}});
  AddParam(out, "2.5.3", "a value that begins with a tab and a newline", {"R2.5", "R2.3"},
           {{"k", "\t\nvalue"}});
  AddParam(out, "2.5.4", "a key that begins with a newline", {"R2.5", "R2.3"}, {{"\nkey", "v"}});
  // An empty last value, then a first pair whose first byte is whitespace: key lengths 32 (' '),
  // 10 ('\n') and 9 ('\t') in little-endian.
  const std::pair<const char*, size_t> kLeads[] = {{"space", 32}, {"newline", 10}, {"tab", 9}};
  int n = 5;
  for (const auto& [name, len] : kLeads) {
    Entry& e = AddParam(out, "2.5." + std::to_string(n++),
                        std::string("an empty last value, then a pair starting with a ") + name,
                        {"R2.5", "R2.3"}, {{"k", "v"}, {"empty", ""}});
    e.input.literal.insert(e.input.literal.begin(), {std::string(len, 'w'), "value"});
    e.fixed_params = true;  // the empty value must stay last
  }
}

}  // namespace

void AddParamEntries(std::vector<Entry>* out) {
  AddBasicParams(out);
  AddByteParams(out);
  AddRawAndDefectParams(out);
}

}  // namespace dxt::conformance
