// `dxt encode` / `dxt decode` end to end (the built binary), and the codec/jsonl.h convention.
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "codec/jsonl.h"
#include "codec/kv_frame.h"
#include "codec/result_list.h"
#include "gtest/gtest.h"

namespace dxt::tools {
namespace {

using codec::BytesToJson;
using codec::IsValidUtf8;
using codec::Json;
using codec::JsonToBytes;
using codec::ParseJsonLine;
using namespace std::string_literals;
namespace fs = std::filesystem;

const char* const kDxt = DXT_BINARY_DIR "/tools/dxt";

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void WriteAll(const fs::path& p, std::string_view data) {
  std::ofstream out(p, std::ios::binary);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

struct RunResult {
  int code = -1;
  std::string out, err;
};

class CodecCli : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "dxt_codec_cli_XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs `dxt <args>` with `stdin_bytes` on stdin; args are passed to /bin/sh as written.
  RunResult Dxt(const std::string& args, std::string_view stdin_bytes = "") {
    WriteAll(dir_ / "stdin", stdin_bytes);
    const std::string cmd =
        "cd '" + dir_.string() + "' && '" + kDxt + "' " + args + " < stdin > stdout 2> stderr";
    const int status = std::system(cmd.c_str());
    RunResult r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = ReadAll(dir_ / "stdout");
    r.err = ReadAll(dir_ / "stderr");
    return r;
  }
  fs::path dir_;
};

std::string Frame(std::string_view k, std::string_view v) {
  std::string s;
  EXPECT_TRUE(codec::AppendPair(&s, k, v).ok());
  return s;
}

TEST_F(CodecCli, PairsRoundTripBinary) {
  const std::string jsonl =
      "{\"key\":\"a\",\"value\":\"b\"}\n"
      "{\"key\":\"\",\"value\":\"\"}\n"
      "{\"key\":{\"base64\":\"/wA=\"},\"value\":\"\\u0000\\n\"}\n"
      "{\"key\":\"caf\xc3\xa9\",\"value\":{\"base64\":\"gA==\"}}\n";
  RunResult enc = Dxt("encode", jsonl);
  ASSERT_EQ(enc.code, 0) << enc.err;
  EXPECT_EQ(enc.out, Frame("a", "b") + Frame("", "") + Frame("\xff\0"s, "\0\n"s) +
                         Frame("caf\xc3\xa9", "\x80"));
  RunResult dec = Dxt("decode --format pairs", enc.out);
  ASSERT_EQ(dec.code, 0) << dec.err;
  EXPECT_EQ(dec.out, jsonl);
}

TEST_F(CodecCli, ListsRoundTrip) {
  const std::string jsonl =
      "{\"list\":[{\"key\":\"a\",\"value\":\"1\"},{\"key\":\"b\",\"value\":\"2\"}]}\n"
      "{\"list\":[]}\n";
  RunResult enc = Dxt("encode --format lists", jsonl);
  ASSERT_EQ(enc.code, 0) << enc.err;
  std::string want;
  codec::PairView pairs[] = {{"a", "1"}, {"b", "2"}};
  ASSERT_TRUE(codec::AppendResultList(&want, pairs).ok());
  codec::AppendListHeader(&want, 0);
  EXPECT_EQ(enc.out, want);
  RunResult dec = Dxt("decode --format lists", enc.out);
  ASSERT_EQ(dec.code, 0) << dec.err;
  EXPECT_EQ(dec.out, jsonl);
}

TEST_F(CodecCli, ParamsSpecVectorAndForms) {
  const std::string dict =
      "{\"test1\":\"1,2,3\",\"one two three\":\"dim\\ndam\\n\",\"dummy\":\"value\"}\n";
  RunResult enc = Dxt("encode --format params", dict);
  ASSERT_EQ(enc.code, 0) << enc.err;
  EXPECT_EQ(enc.out, "60\n5 test1 5 1,2,3\n13 one two three 8 dim\ndam\n\n5 dummy 5 value\n");
  RunResult dec = Dxt("decode --format params", enc.out);
  ASSERT_EQ(dec.code, 0) << dec.err;
  EXPECT_EQ(dec.out, dict);

  EXPECT_EQ(Dxt("encode --format params", "{}").out, "0\n");
  EXPECT_EQ(Dxt("encode --format params", "{\"raw\":\"hello\"}").out, "5\nhello");
  EXPECT_EQ(Dxt("decode --format params", "5\nhello").out, "{\"raw\":\"hello\"}\n");
  // Binary or duplicate keys use the list form.
  const std::string binary = "{\"dict\":[{\"key\":{\"base64\":\"/w==\"},\"value\":\"v\"}]}\n";
  RunResult b = Dxt("encode --format params", binary);
  EXPECT_EQ(b.out, "8\n1 \xff 1 v\n");
  EXPECT_EQ(Dxt("decode --format params", b.out).out, binary);
  const std::string raw_key = "{\"dict\":[{\"key\":\"raw\",\"value\":\"x\"}]}\n";
  EXPECT_EQ(Dxt("decode --format params", Dxt("encode --format params", raw_key).out).out, raw_key);
}

TEST_F(CodecCli, DiscoCReading) {
  const std::string stream = "7\n1 k 0 \n" + Frame(std::string(32, 'x'), "v");
  RunResult r = Dxt("decode --format params --disco-c", stream);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out,
            "{\"outcome\":\"died: Invalid parameter set size\",\"consumed\":10,"
            "\"dict\":[{\"key\":\"k\",\"value\":\"\"}]}\n");
}

TEST_F(CodecCli, MalformedInputKeepsDecodedPairs) {
  std::string bytes = Frame("a", "b") + Frame("c", "d");
  codec::AppendU32(&bytes, 0xFFFFFFFF);
  RunResult r = Dxt("decode -i in.bin", "");
  EXPECT_EQ(r.code, 2);  // missing file
  WriteAll(dir_ / "in.bin", bytes);
  r = Dxt("decode -i in.bin");
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "{\"key\":\"a\",\"value\":\"b\"}\n{\"key\":\"c\",\"value\":\"d\"}\n");
  EXPECT_EQ(r.err,
            "dxt decode: in.bin: offset 20: pair 2: key length 4294967295 exceeds limit "
            "1073741824 (R3.2)\n");
  RunResult t = Dxt("decode", Frame("a", "b") + "\x03\0\0\0ab"s);
  EXPECT_EQ(t.code, 1);
  EXPECT_EQ(t.out, "{\"key\":\"a\",\"value\":\"b\"}\n");
  EXPECT_EQ(t.err,
            "dxt decode: <stdin>: offset 10: stream ended inside pair 1 (key: have 2 of 3 "
            "bytes) (R3.3)\n");
}

// A result list cut short by the end of the stream is dropped whole, also when its first pairs
// arrived in an earlier read (here the first 1 MiB chunk) than its end: no half-written JSON line.
TEST_F(CodecCli, ListCutShortAcrossReadsIsNotHalfWritten) {
  std::string bytes, want;
  const std::string value(1000, 'v');
  while (bytes.size() < (1u << 20) - 2000) {
    codec::AppendU32(&bytes, 1);
    bytes += Frame("k", value);
    want += "{\"list\":[{\"key\":\"k\",\"value\":\"" + value + "\"}]}\n";
  }
  codec::AppendU32(&bytes, 2);
  bytes += Frame("a", "b");  // whole, inside the first read
  const std::string second = Frame("c", std::string(4000, 'w'));
  bytes += second.substr(0, second.size() - 10);  // crosses 1 MiB, cut short by the end
  ASSERT_GT(bytes.size(), 1u << 20);
  WriteAll(dir_ / "in.bin", bytes);
  RunResult r = Dxt("decode --format lists -i in.bin");
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(r.out == want) << "stdout " << r.out.size() << " bytes (want " << want.size()
                             << "), ends \""
                             << r.out.substr(r.out.size() - std::min<size_t>(40, r.out.size()))
                             << "\"";
  EXPECT_NE(r.err.find("stream ended inside pair"), std::string::npos) << r.err;
}

TEST_F(CodecCli, BadJsonNamesTheLine) {
  RunResult r = Dxt("encode -o out.bin", "{\"key\":\"a\",\"value\":\"b\"}\n{\"key\":\n");
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err.rfind("dxt encode: <stdin>: line 2: ", 0), 0u) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "out.bin"));
  r = Dxt("encode", "{\"key\":\"a\",\"value\":{\"base64\":\"***\"}}\n");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("line 1: value: \"***\" is not canonical base64"), std::string::npos) << r.err;
  r = Dxt("encode --format lists", "{\"list\":[{\"key\":\"a\"}]}\n");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("line 1: list item 0"), std::string::npos) << r.err;
}

TEST_F(CodecCli, UsageErrors) {
  EXPECT_EQ(Dxt("encode --format nope").code, 2);
  EXPECT_EQ(Dxt("decode --disco-c").code, 2);
  EXPECT_EQ(Dxt("decode --bogus").code, 2);
}

TEST_F(CodecCli, OutputFileIsReplacedWhole) {
  WriteAll(dir_ / "out.bin", "old contents that are longer");
  RunResult r = Dxt("encode -o out.bin", "{\"key\":\"k\",\"value\":\"v\"}\n");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(ReadAll(dir_ / "out.bin"), Frame("k", "v"));
  RunResult d = Dxt("decode -i out.bin -o out.jsonl");
  ASSERT_EQ(d.code, 0) << d.err;
  EXPECT_EQ(ReadAll(dir_ / "out.jsonl"), "{\"key\":\"k\",\"value\":\"v\"}\n");
  size_t files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir_)) ++files;
  EXPECT_EQ(files, 5u);  // stdin stdout stderr out.bin out.jsonl: no temporaries left
}

// --- codec/jsonl.h ---

TEST(Jsonl, Utf8Validation) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain \0 nul"s));
  EXPECT_TRUE(IsValidUtf8("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"));
  EXPECT_FALSE(IsValidUtf8("\xff"));
  EXPECT_FALSE(IsValidUtf8("\xc0\x80"));          // overlong NUL
  EXPECT_FALSE(IsValidUtf8("\xe0\x80\x80"));      // overlong
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xc3"));              // truncated
}

TEST(Jsonl, BytesRoundTripEveryByte) {
  std::string all;
  for (int b = 0; b < 256; ++b) all += static_cast<char>(b);
  for (const std::string& s : {all, ""s, "text"s, "\0"s, "\x80"s}) {
    const Json j = BytesToJson(s);
    EXPECT_EQ(j.is_string(), IsValidUtf8(s));
    absl::StatusOr<std::string> back = JsonToBytes(*ParseJsonLine(j.dump()));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, s);
  }
  EXPECT_FALSE(JsonToBytes(Json(5)).ok());
  EXPECT_FALSE(JsonToBytes(Json{{"base64", "a"}, {"x", 1}}).ok());
  EXPECT_FALSE(ParseJsonLine("{").ok());
}

}  // namespace
}  // namespace dxt::tools

namespace dxt::tools {
namespace {

// `dxt encode` reads the lines a --script "input" holds: a plain value is an empty key (R5.5),
// through the same parser (judge::ParseInputPair), so its errors are the script's.
TEST_F(CodecCli, EncodeAcceptsPlainValuesAsScriptInputsDo) {
  RunResult r = Dxt("encode", "\"hello\"\n{\"base64\":\"AP8=\"}\n{\"key\":\"k\",\"value\":\"v\"}\n");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, Frame("", "hello") + Frame("", "\0\xff"s) + Frame("k", "v"));
  r = Dxt("encode --format lists", "{\"list\":[\"a\",{\"key\":\"k\",\"value\":\"v\"}]}\n");
  ASSERT_EQ(r.code, 0) << r.err;
  std::string list;
  ASSERT_TRUE(codec::AppendResultList(&list, std::vector<codec::PairView>{{"", "a"}, {"k", "v"}}).ok());
  EXPECT_EQ(r.out, list);
  r = Dxt("encode", "\"ok\"\n{\"key\":\"a\",\"valeu\":\"b\"}\n");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("line 2: missing \"value\""), std::string::npos) << r.err;
  r = Dxt("encode", "{\"key\":\"a\",\"value\":\"b\",\"vlue\":\"c\"}\n");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("line 1: vlue: unknown field; did you mean \"value\"?"), std::string::npos)
      << r.err;
  r = Dxt("encode", "42\n");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("line 1: expected a string or {\"base64\": string}"), std::string::npos)
      << r.err;
}

// A captured stdin: the parameter block of {"p": "x y", "q": "\n"} and two pairs.
std::string CapturedStdin() {
  return "18\n1 p 3 x y\n1 q 1 \n\n"s + Frame("k", "v") + Frame("", "\0\xff"s);
}
std::string CapturedStdout() {
  std::string s;
  EXPECT_TRUE(codec::AppendResultList(&s, std::vector<codec::PairView>{{"k", "v"}}).ok());
  EXPECT_TRUE(codec::AppendResultList(&s, {}).ok());
  return s;
}

// --format stream: a captured stdin is one document in the fields of a --script case; a captured
// stdout is result lists. The side is --side, else the file name, else the first bytes.
TEST_F(CodecCli, DecodeStreamTellsTheSidesApart) {
  WriteAll(dir_ / "x.stdin", CapturedStdin());
  WriteAll(dir_ / "x.stdout", CapturedStdout());
  const std::string lists = "{\"list\":[{\"key\":\"k\",\"value\":\"v\"}]}\n{\"list\":[]}\n";
  fs::copy_file(dir_ / "x.stdin", dir_ / "swapped.stdout");
  fs::copy_file(dir_ / "x.stdout", dir_ / "swapped.stdin");
  for (const std::string& args : {"decode --format stream -i x.stdin"s,
                                  "decode --format stream --side stdin -i swapped.stdout"s,
                                  "decode --format stream"s}) {
    SCOPED_TRACE(args);
    RunResult r = Dxt(args, CapturedStdin());
    ASSERT_EQ(r.code, 0) << r.err;
    Json doc = Json::parse(r.out);
    EXPECT_EQ(doc["params"], Json::parse(R"({"p": "x y", "q": "\n"})"));
    EXPECT_EQ(doc["input"], Json::parse(R"([{"key": "k", "value": "v"},
                                            {"key": "", "value": {"base64": "AP8="}}])"));
    EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 4) << "one pair a line:\n" << r.out;
  }
  for (const std::string& args : {"decode --format stream -i x.stdout"s,
                                  "decode --format stream"s,
                                  "decode --format stream --side stdout -i swapped.stdin"s}) {
    SCOPED_TRACE(args);
    RunResult r = Dxt(args, CapturedStdout());
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, lists);
  }
  // No pairs, a raw parameter string (R2.4), and a dictionary whose only key is "raw" (which a
  // script must hold as a list, or it would read back as a raw block).
  EXPECT_EQ(Dxt("decode --format stream", "0\n").out, "{\"params\":{},\"input\":[]}\n");
  EXPECT_EQ(Dxt("decode --format stream", "5\nhello").out,
            "{\"params\":{\"raw\":\"hello\"},\"input\":[]}\n");
  EXPECT_EQ(Dxt("decode --format stream", "10\n3 raw 1 x\n").out,
            "{\"params\":[{\"key\":\"raw\",\"value\":\"x\"}],\"input\":[]}\n");
  EXPECT_EQ(Dxt("decode --side stdin").code, 2);
}

// The document replays: pasted into a script case, dxt check sends exactly the captured bytes.
TEST_F(CodecCli, DecodedStdinIsAScriptCase) {
  RunResult r = Dxt("decode --format stream", CapturedStdin());
  ASSERT_EQ(r.code, 0) << r.err;
  Json doc = Json::parse(r.out);
  Json script = {{"cases", Json::array({Json{{"id", "c"}, {"mode", "reduce"},
                                             {"params", doc["params"]}, {"input", doc["input"]}}})}};
  WriteAll(dir_ / "case.json", script.dump());
  const fs::path echo = fs::path(DXT_BINARY_DIR) / "reference" / "programs" / "echo";
  if (!fs::exists(echo)) GTEST_SKIP() << "not built: " << echo;
  r = Dxt("check --no-color --save-failures saved --script case.json " + echo.string());
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  // What the case sends is the capture, byte for byte: recorded through a --save-failures of
  // the same case against a program that fails it.
  const fs::path exit3 = fs::path(DXT_BINARY_DIR) / "tests" / "programs" / "exit3";
  r = Dxt("check --no-color --save-failures saved --script case.json " + exit3.string());
  ASSERT_EQ(r.code, 1) << r.out;
  EXPECT_EQ(ReadAll(dir_ / "saved" / "exit-R8.1-1.stdin"), CapturedStdin());
}

// encode --format stream is the inverse: the document back to the captured bytes.
TEST_F(CodecCli, StreamDocumentRoundTrips) {
  RunResult doc = Dxt("decode --format stream", CapturedStdin());
  ASSERT_EQ(doc.code, 0) << doc.err;
  RunResult bytes = Dxt("encode --format stream", doc.out);
  ASSERT_EQ(bytes.code, 0) << bytes.err;
  EXPECT_EQ(bytes.out, CapturedStdin());
  EXPECT_EQ(Dxt("encode --format stream", "{\"input\":[\"x\"]}").out, "0\n"s + Frame("", "x"));
  RunResult bad = Dxt("encode --format stream", "{\"params\":{},\"inputs\":[]}");
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.err.find("<stdin>: top level.inputs: unknown field; did you mean \"input\"?"),
            std::string::npos)
      << bad.err;
  EXPECT_TRUE(bad.out.empty());
}

// A decode error names the format the input does parse as.
TEST_F(CodecCli, DecodeErrorSuggestsTheFormatThatParses) {
  WriteAll(dir_ / "cap.bin", CapturedStdin());
  WriteAll(dir_ / "out.bin", CapturedStdout());
  const char* kStdinHint =
      "dxt decode: hint: the input decodes as --format stream --side stdin (a captured stdin";
  for (const std::string& args : {"decode -i cap.bin"s, "decode --format lists -i cap.bin"s,
                                  "decode --format params -i cap.bin"s,
                                  "decode --format params"s}) {
    SCOPED_TRACE(args);
    RunResult r = Dxt(args, CapturedStdin());
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find(kStdinHint), std::string::npos) << r.err;
  }
  RunResult r = Dxt("decode --format stream --side stdin -i out.bin");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("hint: the input decodes as --format stream --side stdout"),
            std::string::npos)
      << r.err;
  r = Dxt("decode --format pairs -i out.bin");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("hint: the input decodes as --format lists"), std::string::npos) << r.err;
  // Through a pipe (read once; a copy is kept for the hint).
  const std::string cmd = "cd '" + dir_.string() + "' && cat cap.bin | '" + kDxt +
                          "' decode --format lists >/dev/null 2>pipe.err";
  const int status = std::system(cmd.c_str());
  EXPECT_EQ(WEXITSTATUS(status), 1);
  EXPECT_NE(ReadAll(dir_ / "pipe.err").find(kStdinHint), std::string::npos)
      << ReadAll(dir_ / "pipe.err");
  // Garbage parses as nothing: no hint.
  r = Dxt("decode --format stream --side stdin", "12\nshort");
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err.find("hint"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace dxt::tools
