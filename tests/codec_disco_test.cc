// Disco's result format (codec/disco_stream.h, codec/disco_pickle.h) against vectors made by
// Python's own pickle and zlib (tests/data/disco/make_vectors.py): protocols 0-2, compressed and
// stored, the terminator, the old text layout, a multi-hunk stream past 1 MiB made by python3 at
// test time; round trips; corrupt CRC, truncated hunks, foreign opcodes.
#include <cstdlib>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "codec/disco_pickle.h"
#include "codec/disco_stream.h"
#include "codec/kv_frame.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/executor_test_util.h"

namespace dxt::codec {
namespace {

using ::testing::HasSubstr;
using namespace std::string_literals;
using Pairs = std::vector<std::pair<std::string, std::string>>;
using executor::testing::ReadFile;
using executor::testing::TempDir;
using executor::testing::WriteFile;

const std::string kVectors = std::string(DXT_SOURCE_DIR) + "/tests/data/disco/";

std::string Vector(const std::string& name) {
  const std::string bytes = ReadFile(kVectors + name);
  EXPECT_FALSE(bytes.empty() && name.find(".kv") == std::string::npos) << "missing vector " << name;
  return bytes;
}

Pairs FramesToPairs(std::string_view frames) {
  Pairs out;
  while (!frames.empty()) {
    Decoded<PairView> d = DecodePair(frames);
    EXPECT_TRUE(d.ok());
    if (!d.ok()) break;
    out.emplace_back(d.value.key, d.value.value);
    frames.remove_prefix(d.consumed);
  }
  return out;
}

std::string PairsToFrames(const Pairs& pairs) {
  std::string out;
  for (const auto& [k, v] : pairs) EXPECT_TRUE(AppendPair(&out, k, v).ok());
  return out;
}

struct Read {
  Pairs pairs;
  absl::Status status;  // the first error (Next's reason, or Finish's)
  uint64_t error_offset = 0;
};

// Decodes `stream` fed in chunks of `chunk` bytes (0: all at once).
Read DecodeAll(std::string_view stream, size_t chunk = 0, DiscoLimits limits = {}) {
  DiscoStreamDecoder decoder(limits);
  Read r;
  size_t fed = 0;
  while (true) {
    Decoded<PairView> d = decoder.Next();
    if (d.ok()) {
      r.pairs.emplace_back(d.value.key, d.value.value);
      continue;
    }
    if (d.invalid()) {
      r.status = absl::DataLossError(d.reason);
      r.error_offset = d.error_offset;
      return r;
    }
    if (fed == stream.size()) break;
    const size_t n = chunk == 0 ? stream.size() : std::min(chunk, stream.size() - fed);
    decoder.Feed(stream.substr(fed, n));
    fed += n;
  }
  r.status = decoder.Finish();
  return r;
}

std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

TEST(DiscoStreamTest, EmptyStreamIsTheTwentyTwoBytesDiscoWrites) {
  std::string out;
  DiscoStreamEncoder encoder;
  ASSERT_TRUE(encoder.Finish(&out).ok());
  EXPECT_EQ(Hex(out), "8101" "00000000" "0800000000000000" "785e030000000001");
  EXPECT_EQ(out, Vector("empty.disco"));
  Read r = DecodeAll(out);
  EXPECT_TRUE(r.status.ok()) << r.status;
  EXPECT_TRUE(r.pairs.empty());
  EXPECT_TRUE(DecodeAll("").status.ok());  // no bytes at all: no records, as Disco's reader
}

class PythonVectorTest : public ::testing::TestWithParam<const char*> {};

// Every vector decodes to exactly the pairs Python says it holds, whatever the chunking.
TEST_P(PythonVectorTest, DecodesExactly) {
  const std::string stream = Vector(std::string(GetParam()) + ".disco");
  const Pairs want = FramesToPairs(Vector(std::string(GetParam()) + ".kv"));
  for (size_t chunk : {size_t{0}, size_t{1}, size_t{7}, size_t{64}}) {
    Read r = DecodeAll(stream, chunk);
    ASSERT_TRUE(r.status.ok()) << GetParam() << " chunk " << chunk << ": " << r.status;
    EXPECT_EQ(r.pairs, want) << GetParam() << " chunk " << chunk;
  }
}

INSTANTIATE_TEST_SUITE_P(Vectors, PythonVectorTest,
                         ::testing::Values("empty", "p0_stored", "p1_compressed", "p1_stored",
                                           "p2_compressed", "p2_stored", "bytes_compressed",
                                           "bytes_stored", "text_v0"));

TEST(DiscoStreamTest, MixedVectorConvertsLikePythonTwoStr) {
  const Pairs pairs = DecodeAll(Vector("p1_compressed.disco")).pairs;
  ASSERT_EQ(pairs.size(), 15u);
  EXPECT_EQ(pairs[4], (std::pair<std::string, std::string>("unicode \xc3\xa9\xe4\xb8\xad", "str value")));
  EXPECT_EQ(pairs[7].second, "1180591620717411303424");  // 2**70
  EXPECT_EQ(pairs[6].second, "-70000");
  EXPECT_EQ(pairs[10].second, "None");
  EXPECT_EQ(pairs[11].second, "True");
  EXPECT_EQ(pairs[13].first, "7");
}

// dxt's writer is Python's, byte for byte, for bytes records (memo numbering included).
TEST(DiscoStreamTest, EncoderMatchesPythonForBytesRecords) {
  const Pairs pairs = FramesToPairs(Vector("bytes_stored.kv"));
  std::string stored, compressed;
  DiscoStreamEncoder stored_encoder(/*compress=*/false), compressed_encoder;
  for (const auto& [k, v] : pairs) {
    ASSERT_TRUE(stored_encoder.Add(k, v, &stored).ok());
    ASSERT_TRUE(compressed_encoder.Add(k, v, &compressed).ok());
  }
  ASSERT_TRUE(stored_encoder.Finish(&stored).ok());
  ASSERT_TRUE(compressed_encoder.Finish(&compressed).ok());
  EXPECT_EQ(Hex(stored), Hex(Vector("bytes_stored.disco")));
  // Compressed: same header fields and the same records; the deflate bytes depend on zlib's
  // version, so they are compared only through what they inflate to.
  const std::string python = Vector("bytes_compressed.disco");
  Decoded<DiscoHunkView> ours = DecodeDiscoHunk(compressed), theirs = DecodeDiscoHunk(python);
  ASSERT_TRUE(ours.ok() && theirs.ok());
  EXPECT_EQ(ours.value.crc32, theirs.value.crc32);
  EXPECT_TRUE(ours.value.compressed && theirs.value.compressed);
  std::string a, b;
  ASSERT_TRUE(DiscoHunkRecords(ours.value, {}, &a).ok());
  ASSERT_TRUE(DiscoHunkRecords(theirs.value, {}, &b).ok());
  EXPECT_EQ(a, b);
  EXPECT_EQ(compressed.substr(ours.consumed), python.substr(theirs.consumed));  // the terminator
}

TEST(DiscoPickleTest, PythonThreeBytesRecordsByteForByte) {
  std::string out;
  AppendPickledBytesRecord(&out, "k", "v");
  EXPECT_EQ(out, "(c_codecs\nencode\nq\x00(X\x01\x00\x00\x00kq\x01X\x06\x00\x00\x00latin1q\x02tq\x03Rq"
                 "\x04h\x00(X\x01\x00\x00\x00vq\x05h\x02tq\x06Rq\x07tq\x08."s);
  out.clear();
  AppendPickledBytesRecord(&out, "", "x");
  EXPECT_EQ(out, "(c__builtin__\nbytes\nq\x00)Rq\x01" "c_codecs\nencode\nq\x02(X\x01\x00\x00\x00xq"
                 "\x03X\x06\x00\x00\x00latin1q\x04tq\x05Rq\x06tq\x07."s);
}

// STYLE habit 8: every proper prefix of a record is "incomplete", never a wrong answer.
TEST(DiscoPickleTest, EveryPrefixIsIncomplete) {
  std::string record;
  AppendPickledBytesRecord(&record, std::string("\x00\xff key", 6), "");
  for (size_t n = 0; n < record.size(); ++n) {
    EXPECT_TRUE(DecodePickledRecord(std::string_view(record).substr(0, n)).incomplete()) << n;
  }
  Decoded<DiscoRecord> d = DecodePickledRecord(record + "trailing");
  ASSERT_TRUE(d.ok()) << d.reason;
  EXPECT_EQ(d.consumed, record.size());
  EXPECT_EQ(d.value.key, std::string("\x00\xff key", 6));
  EXPECT_EQ(d.value.value, "");
}

TEST(DiscoPickleTest, RefusesWhatItDoesNotKnowAndNeverRunsIt) {
  struct Case {
    std::string pickle, reason;
    size_t offset;
  };
  const Case cases[] = {
      {"(cposix\nsystem\nq\x00X\x02\x00\x00\x00lsq\x01\x85R."s, "GLOBAL 'posix system' is not allowed", 1},
      {"(X\x01\x00\x00\x00kG?\xf8\x00\x00\x00\x00\x00\x00t."s, "opcode 0x47 BINFLOAT is not allowed", 7},
      {"\x80\x03X\x01\x00\x00\x00k."s, "pickle protocol 3", 0},
      {"(C\x01kX\x01\x00\x00\x00vt."s, "opcode 0x43 SHORT_BINBYTES (protocol 3)", 1},
      {"h\x05.", "GET of memo 5, never PUT", 0},
      {"(NNNt.", "a record tuple of 3 items", 5},
      {"(N(Ntt.", "nested tuple", 5},
      {"NN.", "STOP with 2 stack item(s)", 2},
      {"c_codecs\nencode\n(X\x02\x00\x00\x00\xe4\xb8X\x06\x00\x00\x00latin1tR."s, "BINUNICODE operand is not UTF-8", 17},
      {"c_codecs\nencode\n(X\x03\x00\x00\x00\xe4\xb8\xadX\x06\x00\x00\x00latin1tR."s, "above U+00FF", 37},
      {"c_codecs\nencode\n(X\x01\x00\x00\x00kX\x05\x00\x00\x00utf_8tR."s, "encoding 'utf_8'", 34},
      {"t.", "TUPLE without MARK", 0},
      {"R.", "REDUCE with fewer than two", 0},
  };
  for (const Case& c : cases) {
    Decoded<DiscoRecord> d = DecodePickledRecord(c.pickle);
    ASSERT_TRUE(d.invalid()) << Hex(c.pickle);
    EXPECT_THAT(d.reason, HasSubstr(c.reason)) << Hex(c.pickle);
    EXPECT_EQ(d.error_offset, c.offset) << Hex(c.pickle) << ": " << d.reason;
  }
  // A claimed string length over the limit is refused before its bytes arrive.
  Decoded<DiscoRecord> d = DecodePickledRecord("X\xff\xff\xff\x7f"s, 1 << 20);
  EXPECT_TRUE(d.invalid());
  EXPECT_THAT(d.reason, HasSubstr("exceeds the item limit"));
}

TEST(DiscoStreamTest, ForeignPicklesInFilesNameHunkRecordAndByte) {
  Read r = DecodeAll(Vector("foreign_global.disco"));
  EXPECT_THAT(std::string(r.status.message()), HasSubstr("hunk at offset 0: record 0 (byte 47 of its records): GLOBAL "
                                            "'posix system' is not allowed"));
  r = DecodeAll(Vector("foreign_float.disco"));
  EXPECT_THAT(std::string(r.status.message()), HasSubstr("opcode 0x47 BINFLOAT is not allowed"));
}

TEST(DiscoStreamTest, CorruptCrcTruncationAndBadHeadersAreErrors) {
  const std::string good = Vector("bytes_compressed.disco");
  std::string bad_crc = good;
  bad_crc[kDiscoHunkCrcAt] ^= 1;
  Read r = DecodeAll(bad_crc);
  EXPECT_THAT(std::string(r.status.message()), HasSubstr("hunk at offset 0: CRC-32 mismatch"));
  EXPECT_EQ(r.error_offset, 0u);
  std::string bad_payload = good;
  bad_payload[kDiscoHunkHeaderSize + 5] ^= 0x55;
  EXPECT_FALSE(DecodeAll(bad_payload).status.ok());

  // Every cut of a valid stream is an error (never a shorter success), except after the
  // terminator's last byte.
  const std::string stored = Vector("bytes_stored.disco");
  for (const std::string* s : {&good, &stored}) {
    for (size_t n = 1; n < s->size(); ++n) {
      r = DecodeAll(std::string_view(*s).substr(0, n), 5);
      ASSERT_FALSE(r.status.ok()) << "cut at " << n;
      EXPECT_THAT(std::string(r.status.message()), testing::AnyOf(HasSubstr("stream ends inside a hunk"),
                                                     HasSubstr("without its terminator hunk")));
    }
  }
  r = DecodeAll(stored.substr(0, stored.size() - kDiscoHunkHeaderSize));
  EXPECT_THAT(std::string(r.status.message()), HasSubstr(": stream ends without its terminator hunk"));

  std::string marker = good;
  marker[0] = '\x82';
  EXPECT_THAT(std::string(DecodeAll(marker).status.message()), HasSubstr("hunk marker 0x82, expected 0x81"));
  std::string flag = good;
  flag[1] = 2;
  r = DecodeAll(flag);
  EXPECT_THAT(std::string(r.status.message()), HasSubstr("compression flag 0x02"));
  EXPECT_EQ(r.error_offset, 1u);
  r = DecodeAll(good, 0, DiscoLimits{.max_item_size = 1 << 20, .max_hunk_size = 100});
  EXPECT_THAT(std::string(r.status.message()), HasSubstr("exceeds the hunk limit 100"));
  EXPECT_EQ(r.error_offset, kDiscoHunkLengthAt);
  // The second hunk's errors name its own offset.
  std::string two = good.substr(0, good.size() - 22) + marker;
  r = DecodeAll(two);
  EXPECT_THAT(std::string(r.status.message()), HasSubstr(absl::StrCat("hunk at offset ", good.size() - 22)));
}

TEST(DiscoStreamTest, TextLayoutPrefixesAndErrors) {
  const std::string text = Vector("text_v0.disco");
  for (size_t n = 0; n < 20; ++n) {
    EXPECT_FALSE(DecodeDiscoTextPair(std::string_view(text).substr(0, n)).invalid()) << n;
  }
  Read r = DecodeAll("1 a 1 b\n1 c 1 dX\n");
  EXPECT_THAT(std::string(r.status.message()), HasSubstr("offset 15: text pair 1: byte 0x58 after the value"));
  EXPECT_EQ(r.error_offset, 15u);
  EXPECT_THAT(std::string(DecodeAll("1 a 1 b\n1 c").status.message()), HasSubstr("offset 8: stream ends inside text pair 1"));
  EXPECT_THAT(std::string(DecodeAll("12345678901 x").status.message()), HasSubstr("more than 10 digits"));
  EXPECT_THAT(std::string(DecodeAll("x").status.message()), HasSubstr("byte 0x78 where a length digit"));
}

Pairs RandomPairs(uint32_t seed, size_t n, size_t max_value) {
  std::mt19937 rng(seed);
  Pairs pairs;
  for (size_t i = 0; i < n; ++i) {
    std::string k(rng() % 20, '\0'), v(rng() % max_value, '\0');
    for (char& c : k) c = static_cast<char>(rng() % 4 == 0 ? 0xff : rng());
    for (char& c : v) c = static_cast<char>(rng());
    pairs.emplace_back(std::move(k), std::move(v));
  }
  return pairs;
}

// dxt frames -> Disco stream -> dxt frames is the identity, across hunk boundaries.
TEST(DiscoStreamTest, RoundTripIsByteIdentical) {
  for (bool compress : {true, false}) {
    const Pairs pairs = RandomPairs(compress ? 1 : 2, 3000, 2000);  // ~3 MiB of records
    std::string stream;
    DiscoStreamEncoder encoder(compress);
    for (const auto& [k, v] : pairs) ASSERT_TRUE(encoder.Add(k, v, &stream).ok());
    ASSERT_TRUE(encoder.Finish(&stream).ok());
    size_t hunks = 0;
    for (std::string_view rest = stream; !rest.empty(); ++hunks) {
      Decoded<DiscoHunkView> h = DecodeDiscoHunk(rest);
      ASSERT_TRUE(h.ok());
      rest.remove_prefix(h.consumed);
    }
    EXPECT_GE(hunks, 4u) << "three full hunks and the terminator";
    Read r = DecodeAll(stream, 100000);
    ASSERT_TRUE(r.status.ok()) << r.status;
    EXPECT_EQ(PairsToFrames(r.pairs), PairsToFrames(pairs));
  }
}

// The multi-hunk case made by python3 at test time (too big to commit), both directions: dxt
// reads Python's stream, and Python's own pickle/zlib read dxt's.
TEST(DiscoStreamTest, PythonMultiHunkStreamBothWays) {
  TempDir dir;
  const std::string script = kVectors + "make_vectors.py";
  ASSERT_EQ(std::system(("python3 '" + script + "' --big '" + dir.path() + "'").c_str()), 0)
      << "python3 is needed (scripts/install-deps.sh installs it)";
  const std::string stream = ReadFile(dir / "big.disco");
  const std::string frames = ReadFile(dir / "big.kv");
  Decoded<DiscoHunkView> first = DecodeDiscoHunk(stream);
  ASSERT_TRUE(first.ok());
  EXPECT_LT(first.consumed, stream.size() - 22) << "more than one hunk before the terminator";
  Read r = DecodeAll(stream, 1 << 16);
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(PairsToFrames(r.pairs), frames);

  std::string ours;
  DiscoStreamEncoder encoder;
  for (const auto& [k, v] : r.pairs) ASSERT_TRUE(encoder.Add(k, v, &ours).ok());
  ASSERT_TRUE(encoder.Finish(&ours).ok());
  WriteFile(dir / "ours.disco", ours);
  EXPECT_EQ(std::system(("python3 '" + script + "' --check '" + (dir / "ours.disco") + "' '" +
                         (dir / "big.kv") + "'").c_str()), 0);
  // Python writing the same bytes pairs makes the same hunks (same records, same CRCs).
  ASSERT_EQ(std::system(("python3 '" + script + "' --write '" + (dir / "big.kv") + "' '" +
                         (dir / "python.disco") + "' --stored").c_str()), 0);
  std::string ours_stored;
  DiscoStreamEncoder stored_encoder(false);
  for (const auto& [k, v] : r.pairs) ASSERT_TRUE(stored_encoder.Add(k, v, &ours_stored).ok());
  ASSERT_TRUE(stored_encoder.Finish(&ours_stored).ok());
  EXPECT_TRUE(ours_stored == ReadFile(dir / "python.disco"));
}

}  // namespace
}  // namespace dxt::codec
