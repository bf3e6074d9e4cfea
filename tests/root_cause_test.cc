// Issue 10 §2-§4: `dxt check` names the root cause first. Each broken subject below imitates a
// real defect whose symptoms used to be reported instead of it; the test runs the real `dxt`
// executable as a user would and asserts, from the JSON report and the text:
//  - the first root problem is the defect: its check and rule (and cause);
//  - the symptoms the defect causes are FAILED checks marked as its consequence (caused_by), in
//    the JSON and "(consequence of ID/CHECK)" in the text;
//  - the text starts with the root problems (after the header line) and ends with the summary;
//  - the program's own last stderr lines appear with the failure, without --verbose.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "codec/jsonl.h"
#include "codec/kv_frame.h"
#include "codec/result_list.h"
#include "conformance/catalogue.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "judge/case.h"
#include "nlohmann/json.hpp"
#include "tests/cli_test_util.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kPrograms[] = DXT_BINARY_DIR "/tests/programs/";
// The parameters Disco's tests/test_external was run with (its ExternalJob.ext_params).
constexpr char kDiscoParams[] = DXT_SOURCE_DIR "/tests/programs/scripts/disco_test_external_params.json";

struct Subject {
  const char* name;
  const char* program;
  const char* args;        // dxt check options: mode, selection, timeout
  const char* check;       // the root problem's check and rule
  const char* rule;
  const char* cause;       // its cause ("" = any)
  bool consequences;       // some FAILED check is marked as its consequence
  const char* stderr_text; // shown with the failure without --verbose ("" = none asserted)
  const char* text;        // in the root problem's text
  const char* fix = "";    // in the fix hint, on the first screen ("" = any hint)
  bool alone = false;      // the only root problem: every failing case is explained by it
};

const Subject kSubjects[] = {
    {"scanf_params", "scanf_params", "--mode map --timeout 1", "params", "R2.3", "past-params",
     true, "short read", "read past the parameter block at stdin offset 2"},
    {"one_read", "one_read", "--mode map --timeout 2", "framing", "R3.1", "short-read", true,
     "over 1 GiB", "misread its input: lost its place inside pair"},
    {"no_flush_large", "no_flush_large", "--mode map --timeout 1", "flushing", "R5.2", "buffered",
     true, "", "buffered its output", "fflush(stdout)"},
    {"no_flush_python", "no_flush_python.py", "--mode map --timeout 1", "flushing", "R5.2",
     "buffered", true, "", "buffered its output",
     "sys.stdout.buffer.flush() after writing each list, or run it with `python -u`"},
    {"ignores_params_reduce", "ignores_params_reduce.py", "--mode reduce --timeout 5", "params",
     "R2.1", "skips-params", true, "struct.error", "does not read the"},
    // Both modes: its Python traceback quotes a path and `line 31`; no catalogue value found in
    // those frames makes it "rejects the catalogue's input values" (it once led the report).
    {"ignores_params_both_modes", "ignores_params_reduce.py", "--timeout 2", "params", "R2.1",
     "skips-params", true, "struct.error", "does not read the"},
    // Failures that come with one kind of byte: text streams (every byte >= 0x80 on stdin) and C
    // strings (a NUL in a key); their symptoms (tracebacks, exits, unread input, a wrong key) are
    // many, the defect one.
    {"text_mode_python", "text_mode_python.py", "--timeout 2", "framing", "R3.1",
     "interprets-bytes", false, "UnicodeEncodeError",
     "fails whenever a key or value holds a byte >= 0x80",
     "sys.stdin.buffer and sys.stdout.buffer"},
    {"cstring_keys", "cstring_keys", "--expect identity --timeout 2", "framing", "R3.1",
     "interprets-bytes", false, "", "fails whenever a key holds a NUL byte", "never as C strings"},
    // Failures only where the block has a body: the block's length line read, never its body.
    {"block_length_only", "block_length_only.py", "--timeout 2", "params", "R2.1", "skips-params",
     false, "TypeError", "fails whenever the parameter block has a body",
     "then exactly that many bytes"},
    // Failures only where a value is empty: no list written for a pair without output.
    {"no_list_for_empty", "no_list_for_empty", "--mode map --timeout 2", "framing", "R3.1",
     "empty-item", false, "", "fails whenever a value is empty", "count 0"},
    // Failures only where a parameter holds a newline: the block's body parsed as lines.
    {"params_as_lines", "params_as_lines.py", "--timeout 2", "params", "R2.3", "interprets-bytes",
     false, "IndexError", "fails whenever a parameter's key or value holds a newline byte",
     "read the decimal length, one space, then exactly that many bytes"},
    // Failures only where the block is "0\n": a program that assumes a parameter.
    {"needs_params", "needs_params.py", "--timeout 2", "params", "R2.2", "needs-params", false,
     "IndexError", "fails whenever the parameter block is empty", "give each parameter a default"},
    // A filter: stdin copied to stdout (its lengths exceed the limit, its count is text).
    {"cat_filter", "cat_filter.sh", "--timeout 2", "framing", "R4.2", "echoes-stdin", true, "",
     "copies its stdin to stdout", "never the input itself"},
    // One pair answered, then exit 0: every failure comes with a second pair (it once led with
    // params R2.2, the pipelined parameter cases passing it; map_exits_early with two
    // consumption problems).
    {"stops_after_first", "stops_after_first.py", "--timeout 2", "consumption", "R5.1",
     "stops-early", false, "", "fails whenever its input holds more than one pair",
     "never exit or stop reading after the first", true},
    {"map_exits_early", "map_exits_early", "--timeout 2", "consumption", "R5.1", "stops-early",
     false, "", "fails whenever a map's input holds more than one pair", "read pairs in a loop",
     true},
    // Log lines on stdout: the driver stops at the first and kills the program; the input it
    // left and its broken pipe's traceback are consequences (once 2-4 root problems).
    {"log_to_stdout", "log_to_stdout.py", "--timeout 2", "framing", "R4.2", "", false, "",
     "writes its **<MSG> log lines to stdout", "messages go to stderr", true},
    // Two pairs under a count of 1: not a misread of its input (it once led with "misread its
    // input ... took "valu" for a length", 6 root problems); a few 20-byte stdouts that read as
    // 8-byte lengths too join it.
    {"count_one_short", "count_one_short.py", "--timeout 2", "framing", "R4.1", "count-off-by-one",
     true, "", "each list's count as one less than the pairs after it",
     "the number of pairs written after it", true},
    // Count-0 lists for every pair, its output in one list at end-of-input: Disco never sees it
    // (it once was map-protocol R5.2 "a second list for pair 2" and R5.3).
    {"lists_at_end", "lists_at_end.py", "--timeout 2", "map-protocol", "R5.4", "list-at-end", false,
     "", "writes a list after the end of its input", "nothing after the last", true},
    // A Hadoop-streaming identity mapper: stdin's lines back as "key<TAB>value" (it once led with
    // limits R3.2 among 9 root problems, one a "big-endian lengths" misread).
    {"streaming_lines", "streaming_lines.py", "--timeout 2", "framing", "R4.2", "echoes-stdin",
     true, "", "a line mapper in the style of Hadoop streaming", "never the input itself", true},
    // Perl's die() on a 1 MiB key: the exit, with the message and line, not its unprefixed line.
    {"dies_on_large_key", "dies_on_large_key.pl", "--timeout 2", "exit", "R8.1", "uncaught-error",
     true, "too long",
     "it died of an error it did not handle: key of 1048576 bytes is too long "
     "(Perl, at dies_on_large_key.pl line 37)",
     "fix the error its runtime reports"},
    // Counts written as 8 bytes (big_endian_count: big-endian) read cleanly no other way.
    {"u64_count", "u64_count", "--timeout 2", "framing", "R4.1", "list-encoding", true, "",
     "each list's count as an 8-byte integer", "4 bytes, little-endian"},
    {"big_endian_count", "big_endian_count", "--timeout 2", "framing", "R4.1", "list-encoding",
     false, "", "each list's count as a big-endian u32", "4 bytes, little-endian"},
    // Well-formed lists, on stderr: not "rejects the input values" (stderr holds them).
    {"lists_to_stderr", "lists_to_stderr.py", "--timeout 2", "log", "R7.1", "lists-on-stderr", true,
     "", "writes its result lists to stderr instead of stdout", "sys.stdout.buffer"},
    // Each list followed by "\n": its lists read cleanly only with that byte between them.
    {"newline_after_list", "newline_after_list.py", "--timeout 2", "framing", "R4.2",
     "bytes-after-list", true, "", "a newline (\"\\n\") after each list", "not print"},
    // A 64 KiB static buffer: a crash or a cut list past it, whatever the bytes.
    // Lengths written as the size plus 4: read right, framed wrong; no misread of its input.
    {"length_with_header", "length_with_header.py", "--timeout 2", "framing", "R3.1",
     "length-with-header", true, "", "each key and value length as the item's size plus 4",
     "the size of the item alone", true},
    // Pairs written without their list's count: not a misread of its input.
    {"pairs_without_count", "pairs_without_count.py", "--mode map --timeout 2", "framing", "R4.1",
     "list-without-count", true, "", "each pair without a list around it",
     "begin each list with its count", true},
    // Both lengths read first: it waits on every pair with a key, which a block-skipper would do
    // too, but it passes the empty-key case 5.5.1, which a block-skipper cannot: the block is
    // ruled out and the wait is named (it once led with params R2.1).
    {"lengths_first", "lengths_first.py", "--mode map --timeout 2", "flushing", "R5.2",
     "waits-for-input", false, "", "the same wait explains", "check how it reads the pair"},
    {"fixed_buffer", "fixed_buffer", "--timeout 2", "framing", "R3.1", "large-item", false, "",
     "fails whenever a key or value is larger than", "malloc(len)"},
    // Each chunk parsed as whole pairs: whatever needs two reads fails, whatever its bytes.
    {"chunk_echo", "chunk_echo.js", "--timeout 2", "framing", "R3.1", "short-read", false, "",
     "fails whenever its input cannot reach it in one read", "append the chunks to one buffer"},
    // Lengths read big-endian: a map waits, a reduce runs out, and only the block probe 2.1.8
    // rules out the other model the running-out fits (a program skipping the block).
    {"big_endian_lengths", "big_endian_lengths.py", "--timeout 2", "framing", "R3.1",
     "big-endian-lengths", true, "EOFError", "reads each key and value length as a big-endian u32",
     "struct.unpack(\"<I\""},
    // The same read as a signed int: lengths of 128 bytes and more end it with a negative number
    // on stderr (Java's NegativeArraySizeException), the u32 it read: one root problem, no crash.
    {"signed_big_endian_lengths", "signed_big_endian_lengths.py", "--timeout 2", "framing", "R3.1",
     "big-endian-lengths", true, "EOFError", "reads each key and value length as a big-endian u32",
     "struct.unpack(\"<I\"", true},
    // A helper module not shipped: one root problem, whether or not stdin broke first.
    {"missing_module", "missing_module.py", "--timeout 2", "exit", "R8.1", "could-not-start", false,
     "ModuleNotFoundError", "ended before reading any input", "", true},
    {"exec_fails", "exec_fails.sh", "--mode map --timeout 2", "exit", "R8.1", "could-not-start",
     true, "not-installed-mapper", "ended before reading any input"},
};

void PrintTo(const Subject& s, std::ostream* os) { *os << s.name; }

using dxt::testing::DxtRun;
using dxt::testing::kDxt;
using dxt::testing::ReadFile;
using dxt::testing::ShellQuote;

class RootCauseTest : public dxt::testing::CliTest<testing::TestWithParam<Subject>> {};

TEST_P(RootCauseTest, NamesTheRootCauseFirst) {
  const Subject& s = GetParam();
  const std::string program = std::string(kPrograms) + s.program;
  ASSERT_TRUE(fs::exists(program)) << program;
  const DxtRun r = Check(s.args + (" " + ShellQuote(program)), {.merge_stderr = true});
  const std::string& text = r.out;
  ASSERT_EQ(r.exit_code, 1) << s.args << "\n" << text;
  const json& report = r.report;
  ASSERT_TRUE(report.is_object()) << text;

  // The JSON leads with the root problems; the first is the defect.
  ASSERT_TRUE(report.contains("root_problems")) << text;
  const json& problems = report["root_problems"];
  ASSERT_FALSE(problems.empty()) << text;
  ASSERT_LE(problems.size(), 3u);
  if (s.alone) {
    EXPECT_EQ(problems.size(), 1u) << text.substr(0, 4000);
  }
  const json& first = problems[0];
  EXPECT_EQ(first.value("check", ""), s.check) << text.substr(0, 4000);
  EXPECT_EQ(first.value("rule", ""), s.rule) << text.substr(0, 4000);
  if (*s.cause) {
    EXPECT_EQ(first.value("cause", ""), s.cause);
  }
  EXPECT_GE(first.value("cases", 0), 1);
  EXPECT_THAT(first.value("detail", ""), HasSubstr(s.text));
  EXPECT_FALSE(first.value("fix", "").empty()) << "no fix hint for " << s.name;
  const auto keys = [&] {
    std::vector<std::string> k;
    const auto ordered = nlohmann::ordered_json::parse(ReadFile(dir_ / "report.json"));  // file order
    for (auto it = ordered.begin(); it != ordered.end(); ++it) k.push_back(it.key());
    return k;
  }();
  const auto at = [&](const char* key) {
    return std::find(keys.begin(), keys.end(), key) - keys.begin();
  };
  EXPECT_LT(at("root_problems"), at("cases"));
  EXPECT_LT(at("root_problems"), at("summary"));

  // Symptoms are marked as consequences of the root check of their case, never counted alone.
  int consequences = 0;
  for (const json& c : report["cases"]) {
    for (const json& check : c["checks"]) {
      if (!check.contains("caused_by")) continue;
      EXPECT_EQ(check.value("verdict", ""), "FAILED");
      const json& by = check["caused_by"];
      EXPECT_EQ(by.value("case", ""), c.value("id", "")) << check.dump();
      if (by.value("check", "") == s.check) ++consequences;
      const std::string marker = "(consequence of " + c.value("id", "") + "/" +
                                 by.value("check", "") + ")";
      EXPECT_THAT(text, HasSubstr(marker));
    }
  }
  if (s.consequences) {
    EXPECT_GT(consequences, 0) << text.substr(0, 4000);
  }
  for (size_t i = 0; i < problems.size(); ++i) {
    for (size_t j = i + 1; j < problems.size(); ++j) {
      EXPECT_FALSE(problems[i]["check"] == problems[j]["check"] &&
                   problems[i]["rule"] == problems[j]["rule"] &&
                   problems[i]["cause"] == problems[j]["cause"] &&
                   problems[i].value("site", "") == problems[j].value("site", ""))
          << "one root problem listed twice";
    }
  }

  // Text: the header line, then the root problems; the summary line is last.
  const size_t header_end = text.find('\n');
  ASSERT_NE(header_end, std::string::npos);
  EXPECT_THAT(text.substr(header_end + 1), StartsWith("Root problem")) << text.substr(0, 2000);
  EXPECT_THAT(text, HasSubstr(std::string("root problem 1 of ")));
  const std::string first_line =
      "root problem 1 of " + std::to_string(report.value("root_problems_total", 0)) + ": " +
      s.check + " (" + s.rule + "): ";
  EXPECT_THAT(text, HasSubstr(first_line)) << text.substr(0, 3000);
  EXPECT_LT(text.find(first_line), text.find("\nFAILED ")) << "root problems come first";
  const size_t last = text.rfind('\n', text.size() - 2);
  EXPECT_THAT(text.substr(last + 1), HasSubstr(" case(s): ")) << "the summary line is last";
  if (*s.fix) {
    // The first screen: the header, the root problems and their hints, within 24 lines.
    size_t screen = 0;
    for (int line = 0; line < 24 && screen != std::string::npos; ++line)
      screen = text.find('\n', screen + 1);
    const std::string first_screen = text.substr(0, screen);
    EXPECT_THAT(first_screen, HasSubstr(std::string("    fix: ")));
    EXPECT_THAT(first_screen, HasSubstr(s.fix)) << first_screen;
    EXPECT_THAT(first.value("fix", ""), HasSubstr(s.fix));
  }
  if (*s.stderr_text) {
    EXPECT_THAT(text, HasSubstr("its stderr ends:"));
    const size_t shown = text.find("its stderr ends:");
    EXPECT_THAT(text.substr(shown, text.find('\n', shown) - shown), HasSubstr(s.stderr_text));
  }
}

// SPEC R2.5 on a subject built as Disco's C library (ext/disco.c) builds programs, run as Disco
// ran its tests/test_external: with that test's parameters (--params). The parameter-block cases
// whose bytes the library misreads fail, and the root problem is the library's reading, with the
// ERR line, the exit status and the unread input as its consequences.
class DiscoCLibraryTest : public dxt::testing::CliTest<> {
 protected:
  std::string Run(const std::string& command) {
    const int status = std::system(command.c_str());
    EXPECT_TRUE(WIFEXITED(status)) << command;
    return std::to_string(WEXITSTATUS(status));
  }
};

TEST_F(DiscoCLibraryTest, CheckNamesTheLibrarysReadingOfTheBlockAsTheRootProblem) {
  const std::string program = std::string(kPrograms) + "disco_c_params";
  const fs::path report_path = dir_ / "report.json", text_path = dir_ / "out.txt";
  const std::string command = "timeout -k 5 200 " + ShellQuote(kDxt) +
                              " check --no-color --mode map --cases 2 --timeout 2 --params " +
                              ShellQuote(kDiscoParams) + " --report-json " +
                              ShellQuote(report_path) + " " + ShellQuote(program) + " >" +
                              ShellQuote(text_path) + " 2>&1";
  const std::string exit_code = Run(command);
  const std::string text = ReadFile(text_path);
  ASSERT_EQ(exit_code, "1") << text;
  const json report = json::parse(ReadFile(report_path), nullptr, false);
  ASSERT_FALSE(report.is_discarded()) << text;
  ASSERT_FALSE(report["root_problems"].empty()) << text;
  const json& first = report["root_problems"][0];
  EXPECT_EQ(first.value("check", ""), "params") << text.substr(0, 4000);
  EXPECT_EQ(first.value("rule", ""), "R2.5") << text.substr(0, 4000);
  EXPECT_EQ(first.value("cause", ""), "disco-c-params");
  EXPECT_THAT(first.value("detail", ""),
              HasSubstr("reads the block as Disco's C library does — leading whitespace is "
                        "skipped"));
  EXPECT_THAT(text, HasSubstr("root problem 1 of " +
                              std::to_string(report.value("root_problems_total", 0)) +
                              ": params (R2.5): "));
  EXPECT_LT(text.find(": params (R2.5): "), text.find("\nFAILED ")) << "root problems come first";

  std::map<std::string, const json*> cases;
  for (const json& c : report["cases"]) cases[c.value("id", "")] = &c;
  const auto check_of = [](const json& c, const std::string& name) -> const json& {
    for (const json& k : c["checks"])
      if (k.value("check", "") == name) return k;
    static const json kNone = json::object();
    return kNone;
  };
  // Blocks the library reads right pass: the subject is otherwise a conforming echo.
  for (const char* id : {"2.1.1", "2.1.2", "2.2.1", "2.3.12"}) {
    ASSERT_TRUE(cases.count(id)) << id;
    EXPECT_EQ(cases[id]->value("verdict", ""), "OK") << id << ": " << cases[id]->dump();
  }
  // What Disco saw: the misread cases fail by err, exit and consumption; all of them are now
  // consequences of params (R2.5).
  std::set<std::string> consequences;
  int r25 = 0;
  for (const json& c : report["cases"]) {
    if (c.value("verdict", "") != "FAILED") continue;
    const json& params = check_of(c, "params");
    if (params.value("rule", "") != "R2.5") continue;
    ++r25;
    EXPECT_EQ(params.value("verdict", ""), "FAILED");
    EXPECT_FALSE(params.contains("caused_by"));
    for (const json& k : c["checks"])
      if (k.contains("caused_by")) {
        EXPECT_EQ(k["caused_by"].value("check", ""), "params") << c.value("id", "");
        consequences.insert(k.value("check", ""));
      }
  }
  EXPECT_GE(r25, 8) << text.substr(0, 4000);
  EXPECT_GE(first.value("cases", 0), r25);
  for (const char* symptom : {"err", "exit", "consumption"})
    EXPECT_TRUE(consequences.count(symptom)) << symptom << " never marked a consequence";
  // The leading-whitespace cases and the empty-last-value defect (the library's whitespace skip
  // runs on into a first pair whose key length begins with 0x20, 0x0a, 0x09).
  for (const char* id : {"2.5.1", "2.5.2", "2.5.3", "2.5.4"}) {
    ASSERT_TRUE(cases.count(id)) << id;
    EXPECT_EQ(check_of(*cases[id], "params").value("rule", ""), "R2.5") << cases[id]->dump();
  }
  for (const char* id : {"2.5.5", "2.5.6", "2.5.7"}) {
    ASSERT_TRUE(cases.count(id)) << id;
    const json& params = check_of(*cases[id], "params");
    EXPECT_EQ(params.value("rule", ""), "R2.5") << cases[id]->dump();
    EXPECT_THAT(params.value("detail", ""), HasSubstr("Invalid parameter set size")) << id;
  }
}

// The subject lists the dictionary it read; dxt's model of the library (`dxt decode --format
// params --disco-c`) must predict it, how it ends (died, with which words) and where the pairs
// begin (the pairs the subject echoes are the pairs read from the model's end of the block), for
// every parameter-block case of the catalogue as --params sends it.
TEST_F(DiscoCLibraryTest, DecodeDiscoCAgreesWithWhatTheSubjectRead) {
  const std::string program = std::string(kPrograms) + "disco_c_params";
  dxt::conformance::MaterialiseOptions options;
  options.extra_params = {{"test1", "1,2,3"}, {"one two three", "dim\ndam\n"}, {"dummy", "value"}};
  int died = 0, read = 0;
  for (const dxt::conformance::Entry& e : dxt::conformance::Catalogue()) {
    if (!e.id.starts_with("2.")) continue;
    const dxt::judge::Case c = dxt::conformance::Materialise(e, dxt::harness::Mode::kReduce, options);
    std::string stdin_bytes = dxt::judge::ParamBlockOf(c);
    for (const auto& [k, v] : c.input) (void)dxt::codec::AppendPair(&stdin_bytes, k, v);
    const fs::path in = dir_ / "in.bin", out = dir_ / "out.bin", err = dir_ / "err.txt",
                   model = dir_ / "model.json";
    {
      std::ofstream f(in, std::ios::binary);
      f.write(stdin_bytes.data(), static_cast<std::streamsize>(stdin_bytes.size()));
    }
    Run(ShellQuote(program) + " reduce <" + ShellQuote(in) + " >" + ShellQuote(out) + " 2>" +
        ShellQuote(err));
    ASSERT_EQ(Run(ShellQuote(kDxt) + " decode --format params --disco-c -i " + ShellQuote(in) +
                  " >" + ShellQuote(model)),
              "0")
        << e.id;
    const json predicted = json::parse(ReadFile(model), nullptr, false);
    ASSERT_FALSE(predicted.is_discarded()) << e.id;
    // What the subject said it read.
    std::string listed, error;
    std::istringstream lines(ReadFile(err));
    for (std::string line; std::getline(lines, line);) {
      if (line.starts_with("**<MSG>param ")) listed += line.substr(13) + "\n";
      if (line.starts_with("**<ERR>") && error.empty()) error = line.substr(7);
    }
    const auto hex = [](const std::string& b) {
      std::string h;
      for (unsigned char ch : b) h += "0123456789abcdef"[ch >> 4], h += "0123456789abcdef"[ch & 15];
      return h;
    };
    const std::string outcome = predicted.value("outcome", "");
    if (outcome == "ok") {
      ++read;
      std::string expected;
      for (const json& kv : predicted["dict"]) {
        auto k = dxt::codec::JsonToBytes(dxt::codec::Json::parse(kv["key"].dump()));
        auto v = dxt::codec::JsonToBytes(dxt::codec::Json::parse(kv["value"].dump()));
        ASSERT_TRUE(k.ok() && v.ok()) << e.id;
        expected += hex(*k) + " = " + hex(*v) + "\n";
      }
      EXPECT_EQ(listed, expected) << e.id << " " << e.title;
      // Where its pairs began: what it echoed are the pairs framed from the model's end.
      if (error.empty() || !error.starts_with("parameter ")) {
        const uint64_t consumed = predicted.value("consumed", uint64_t{0});
        std::string_view rest = std::string_view(stdin_bytes).substr(consumed);
        std::vector<std::pair<std::string, std::string>> framed;
        for (auto d = dxt::codec::DecodePair(rest); d.ok(); d = dxt::codec::DecodePair(rest)) {
          framed.emplace_back(std::string(d.value.key), std::string(d.value.value));
          rest.remove_prefix(d.consumed);
        }
        std::vector<std::pair<std::string, std::string>> echoed;
        const std::string all = ReadFile(out);
        std::string_view view(all);
        for (auto l = dxt::codec::DecodeResultList(view); l.ok(); l = dxt::codec::DecodeResultList(view)) {
          for (const auto& p : l.value.pairs) echoed.emplace_back(std::string(p.key), std::string(p.value));
          view.remove_prefix(l.consumed);
        }
        EXPECT_EQ(echoed, framed) << e.id << " " << e.title;
      }
    } else if (outcome.starts_with("died: ")) {
      ++died;
      EXPECT_EQ(error, outcome.substr(6)) << e.id << " " << e.title;
      EXPECT_EQ(listed, "") << e.id;
    } else {
      EXPECT_EQ(outcome, "starved") << e.id;
      EXPECT_EQ(error, "input ended inside the parameter block") << e.id << " " << e.title;
    }
  }
  EXPECT_GE(died, 5) << "the misreadings are exercised";
  EXPECT_GE(read, 10);
}

// Two unrelated errors, raised in two places, are two root problems (each with its own fix), not
// one problem showing whichever error its first case had.
class UncaughtErrorTest : public dxt::testing::CliTest<> {};

TEST_F(UncaughtErrorTest, TwoInTwoPlacesAreTwoRootProblems) {
  const std::string program = std::string(kPrograms) + "two_crashes.py";
  const DxtRun r = Check("--timeout 2 " + ShellQuote(program), {.merge_stderr = true});
  ASSERT_EQ(r.exit_code, 1) << r.out;
  const json& problems = r.report["root_problems"];
  ASSERT_GE(problems.size(), 2u) << r.out;
  bool index_error = false, ascii = false;
  for (const json& p : problems) {
    const std::string detail = p.value("detail", "");
    if (detail.find("IndexError") != std::string::npos) {
      index_error = true;
      EXPECT_EQ(p.value("site", ""), "two_crashes.py line 30, in main") << detail;
    }
    // The decode error: as its own uncaught error, or as the byte class that raises it.
    if (detail.find("UnicodeDecodeError") != std::string::npos ||
        detail.find("byte >= 0x80") != std::string::npos)
      ascii = true;
    EXPECT_FALSE(detail.find("IndexError") != std::string::npos &&
                 detail.find("UnicodeDecodeError") != std::string::npos);
  }
  EXPECT_TRUE(index_error) << r.out.substr(0, 3000);
  EXPECT_TRUE(ascii) << r.out.substr(0, 3000);
}

INSTANTIATE_TEST_SUITE_P(Subjects, RootCauseTest, testing::ValuesIn(kSubjects),
                         [](const testing::TestParamInfo<Subject>& info) {
                           return std::string(info.param.name);
                         });

}  // namespace
