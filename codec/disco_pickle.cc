// Why a hand-written unpickler: Python's pickle executes whatever a file names (GLOBAL + REDUCE
// is a function call), so a result file from elsewhere must never reach a real unpickler. This
// one knows the handful of opcodes Disco's records use and the two calls Python 3 emits for
// bytes; it builds values in an arena so that BINGET shares instead of copying (a pickle of
// repeated BINGETs of one big string cannot blow up memory).
//
// Grammar of one record (what Python writes at protocols 0-2; names as in pickletools):
//   record  := [PROTO n<=2] value STOP
//   value   := scalar | tuple | GET/BINGET/LONG_BINGET of a PUT value, each optionally followed
//              by PUT/BINPUT/LONG_BINPUT
//   tuple   := MARK scalar* TUPLE | EMPTY_TUPLE | scalar{1,3} TUPLE1..3
//   scalar  := NONE | NEWTRUE | NEWFALSE | INT | BININT* | LONG | LONG1 | LONG4 | STRING |
//              BINSTRING | SHORT_BINSTRING | UNICODE | BINUNICODE | bytes
//   bytes   := GLOBAL '_codecs encode' MARK str str('latin1') TUPLE REDUCE
//            | GLOBAL '__builtin__ bytes' EMPTY_TUPLE REDUCE
#include "codec/disco_pickle.h"

#include <unordered_map>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace dxt::codec {
namespace {

enum Op : unsigned char {
  kMark = '(', kStop = '.', kInt = 'I', kBinInt = 'J', kBinInt1 = 'K', kBinInt2 = 'M',
  kLong = 'L', kNone = 'N', kString = 'S', kBinString = 'T', kShortBinString = 'U',
  kUnicode = 'V', kBinUnicode = 'X', kTuple = 't', kEmptyTuple = ')', kPut = 'p', kBinPut = 'q',
  kLongBinPut = 'r', kGet = 'g', kBinGet = 'h', kLongBinGet = 'j', kGlobal = 'c', kReduce = 'R',
  kProto = 0x80, kTuple1 = 0x85, kTuple2 = 0x86, kTuple3 = 0x87, kNewTrue = 0x88,
  kNewFalse = 0x89, kLong1 = 0x8a, kLong4 = 0x8b,
};

// Names of opcodes a foreign pickle is likely to hold, for the error text.
const char* ForeignOpName(unsigned char op) {
  switch (op) {
    case 'B': return "BINBYTES (protocol 3)";
    case 'C': return "SHORT_BINBYTES (protocol 3)";
    case 0x8c: return "SHORT_BINUNICODE (protocol 4)";
    case 0x95: return "FRAME (protocol 4)";
    case 0x94: return "MEMOIZE (protocol 4)";
    case 0x81: return "NEWOBJ";
    case 'b': return "BUILD";
    case 'i': return "INST";
    case 'o': return "OBJ";
    case 'F': return "FLOAT";
    case 'G': return "BINFLOAT";
    case ']': return "EMPTY_LIST";
    case 'l': return "LIST";
    case '}': return "EMPTY_DICT";
    case 'd': return "DICT";
    case 'a': return "APPEND";
    case 'e': return "APPENDS";
    case 's': return "SETITEM";
    case 'u': return "SETITEMS";
    case '0': return "POP";
    case '1': return "POP_MARK";
    case '2': return "DUP";
    case 'P': return "PERSID";
    case 'Q': return "BINPERSID";
    default: return "unknown";
  }
}

enum class Kind { kBytes, kStr, kInt, kNone, kBool, kCodecsEncode, kBytesType, kTuple };

struct Value {
  Kind kind = Kind::kNone;
  std::string text;             // bytes; str as UTF-8; int in decimal; "None"; "True"/"False"
  std::vector<uint32_t> items;  // kTuple: scalars, as arena indices
};

bool IsScalar(Kind k) { return k <= Kind::kBool; }

constexpr size_t kMaxLongBytes = 4096;  // LONG1/LONG4 operand; far beyond any real key

uint32_t Le32(std::string_view b) {
  const auto* u = reinterpret_cast<const unsigned char*>(b.data());
  return uint32_t{u[0]} | uint32_t{u[1]} << 8 | uint32_t{u[2]} << 16 | uint32_t{u[3]} << 24;
}

void AppendUtf8(std::string* out, uint32_t cp) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xc0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xe0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else {
    out->push_back(static_cast<char>(0xf0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  }
}

// Calls `sink` with each code point of UTF-8 `s` as Python decodes BINUNICODE ('utf-8',
// 'surrogatepass': surrogates allowed, overlongs and values past U+10FFFF not). False if invalid.
template <typename Sink>
bool ForEachCodePoint(std::string_view s, Sink sink) {
  for (size_t i = 0; i < s.size();) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    const size_t n = b0 < 0x80 ? 1 : (b0 >> 5) == 6 ? 2 : (b0 >> 4) == 14 ? 3 : (b0 >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    uint32_t cp = n == 1 ? b0 : n == 2 ? (b0 & 0x1f) : n == 3 ? (b0 & 0x0f) : (b0 & 0x07);
    for (size_t k = 1; k < n; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      if ((b >> 6) != 2) return false;
      cp = (cp << 6) | (b & 0x3f);
    }
    static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10ffff) return false;
    sink(cp);
    i += n;
  }
  return true;
}

// Python 2 repr() escapes, as codecs.escape_decode reads them (pickle STRING operands).
bool EscapeDecode(std::string_view in, std::string* out) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '\\') {
      out->push_back(in[i]);
      continue;
    }
    if (++i == in.size()) return false;  // a trailing lone backslash
    const char c = in[i];
    static constexpr std::string_view kFrom = "\\'\"abfnrtv", kTo = "\\'\"\a\b\f\n\r\t\v";
    if (const size_t k = kFrom.find(c); k != std::string_view::npos) {
      out->push_back(kTo[k]);
    } else if (c >= '0' && c <= '7') {
      int v = c - '0';
      for (int k = 0; k < 2 && i + 1 < in.size() && in[i + 1] >= '0' && in[i + 1] <= '7'; ++k) {
        v = v * 8 + (in[++i] - '0');
      }
      out->push_back(static_cast<char>(v & 0xff));
    } else if (c == 'x') {
      if (i + 2 >= in.size()) return false;
      const int h = hex(in[i + 1]), l = hex(in[i + 2]);
      if (h < 0 || l < 0) return false;
      out->push_back(static_cast<char>(h * 16 + l));
      i += 2;
    } else {  // unknown escapes stay as written
      out->push_back('\\');
      out->push_back(c);
    }
  }
  return true;
}

// raw-unicode-escape (pickle UNICODE operands): bytes are latin-1 code points, except \uXXXX and
// \UXXXXXXXX. Appends UTF-8. False on a bad escape or a code point past U+10FFFF.
bool RawUnicodeEscapeDecode(std::string_view in, std::string* out) {
  for (size_t i = 0; i < in.size(); ++i) {
    const auto c = static_cast<unsigned char>(in[i]);
    const size_t digits = c != '\\' || i + 1 >= in.size() ? 0 : in[i + 1] == 'u' ? 4 : in[i + 1] == 'U' ? 8 : 0;
    if (digits == 0) {
      AppendUtf8(out, c);
      continue;
    }
    if (i + 2 + digits > in.size()) return false;
    uint32_t cp = 0;
    for (size_t k = 0; k < digits; ++k) {
      const char h = in[i + 2 + k];
      const int v = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10
                  : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
      if (v < 0) return false;
      cp = cp * 16 + static_cast<uint32_t>(v);
    }
    if (cp > 0x10ffff) return false;
    AppendUtf8(out, cp);
    i += 1 + digits;
  }
  return true;
}

// "[+-]?digits" (LONG may end in 'L') -> canonical decimal as str(int) prints it.
bool CanonicalDecimal(std::string_view s, bool allow_l_suffix, std::string* out) {
  if (allow_l_suffix && !s.empty() && s.back() == 'L') s.remove_suffix(1);
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  while (s.size() > 1 && s[0] == '0') s.remove_prefix(1);
  *out = absl::StrCat(neg && s != "0" ? "-" : "", absl::string_view(s.data(), s.size()));
  return true;
}

// Little-endian two's complement (LONG1/LONG4) -> decimal.
std::string LittleEndianToDecimal(std::string_view b) {
  if (b.empty()) return "0";
  std::vector<unsigned char> mag(b.begin(), b.end());
  const bool neg = (mag.back() & 0x80) != 0;
  if (neg) {  // negate: invert, add one
    unsigned carry = 1;
    for (unsigned char& x : mag) {
      const unsigned v = static_cast<unsigned char>(~x) + carry;
      x = static_cast<unsigned char>(v);
      carry = v >> 8;
    }
  }
  std::vector<uint32_t> limbs;  // base 10^9, least significant first
  for (size_t i = mag.size(); i-- > 0;) {
    uint64_t carry = mag[i];
    for (uint32_t& limb : limbs) {
      const uint64_t v = uint64_t{limb} * 256 + carry;
      limb = static_cast<uint32_t>(v % 1000000000);
      carry = v / 1000000000;
    }
    while (carry > 0) {
      limbs.push_back(static_cast<uint32_t>(carry % 1000000000));
      carry /= 1000000000;
    }
  }
  if (limbs.empty()) return "0";
  std::string out = neg ? "-" : "";
  out += absl::StrCat(limbs.back());
  for (size_t i = limbs.size() - 1; i-- > 0;) out += absl::StrFormat("%09u", limbs[i]);
  return out;
}

class Unpickler {
 public:
  Unpickler(std::string_view in, uint64_t max_item) : in_(in), max_item_(max_item) {}
  Decoded<DiscoRecord> Run();

 private:
  enum class Step { kNext, kStop, kIncomplete, kInvalid };

  Step Fail(std::string why) {
    reason_ = std::move(why);
    return Step::kInvalid;
  }
  Step Execute(unsigned char op);
  Step PushScalar(Kind kind, std::string text);
  // A str may be longer than the item limit and still encode to fewer latin-1 bytes: its own
  // size is checked where it becomes a key or value.
  Step PushStr(std::string utf8) {
    Value v;
    v.kind = Kind::kStr;
    v.text = std::move(utf8);
    stack_.push_back(Add(std::move(v)));
    return Step::kNext;
  }
  Step MakeTuple(size_t from);
  Step Reduce();
  Step Memo(bool put, uint64_t index);
  Step Text(unsigned char op, std::string_view line);

  // Operand reading: false when the input ends first (the pickle is incomplete).
  bool Take(size_t n, std::string_view* out) {
    if (in_.size() - pos_ < n) return false;
    *out = in_.substr(pos_, n);
    pos_ += n;
    return true;
  }
  bool Line(std::string_view* out) {
    const size_t nl = in_.find('\n', pos_);
    if (nl == std::string_view::npos) return false;
    *out = in_.substr(pos_, nl - pos_);
    pos_ = nl + 1;
    return true;
  }
  uint32_t Add(Value v) {
    arena_.push_back(std::move(v));
    return static_cast<uint32_t>(arena_.size() - 1);
  }

  std::string_view in_;
  uint64_t max_item_;
  size_t pos_ = 0;
  std::string reason_;
  std::vector<Value> arena_;
  std::vector<uint32_t> stack_;
  std::vector<size_t> marks_;
  std::unordered_map<uint64_t, uint32_t> memo_;
};

Unpickler::Step Unpickler::PushScalar(Kind kind, std::string text) {
  if (text.size() > max_item_) {
    return Fail(absl::StrCat("a string of ", text.size(), " bytes exceeds the item limit ", max_item_));
  }
  Value v;
  v.kind = kind;
  v.text = std::move(text);
  stack_.push_back(Add(std::move(v)));
  return Step::kNext;
}

Unpickler::Step Unpickler::MakeTuple(size_t from) {
  if (from > stack_.size()) return Fail("stack underflow building a tuple");
  Value t;
  t.kind = Kind::kTuple;
  for (size_t i = from; i < stack_.size(); ++i) {
    if (!IsScalar(arena_[stack_[i]].kind)) {
      return Fail("a tuple item that is not bytes/str/int/None/bool (nested tuple or GLOBAL)");
    }
    t.items.push_back(stack_[i]);
  }
  stack_.resize(from);
  stack_.push_back(Add(std::move(t)));
  return Step::kNext;
}

Unpickler::Step Unpickler::Reduce() {
  if (stack_.size() < 2) return Fail("REDUCE with fewer than two stack items");
  const Value& args = arena_[stack_.back()];
  const Value& fn = arena_[stack_[stack_.size() - 2]];
  if (args.kind != Kind::kTuple) return Fail("REDUCE arguments are not a tuple");
  std::string bytes;
  if (fn.kind == Kind::kBytesType) {
    if (!args.items.empty()) return Fail("REDUCE of __builtin__.bytes with arguments");
  } else if (fn.kind == Kind::kCodecsEncode) {
    if (args.items.size() != 2 || arena_[args.items[0]].kind != Kind::kStr ||
        arena_[args.items[1]].kind != Kind::kStr) {
      return Fail("REDUCE of _codecs.encode needs (str, 'latin1')");
    }
    const std::string& encoding = arena_[args.items[1]].text;
    if (encoding != "latin1" && encoding != "latin-1") {
      return Fail(absl::StrCat("_codecs.encode with encoding '", encoding, "' (only 'latin1')"));
    }
    bool latin1 = true;
    ForEachCodePoint(arena_[args.items[0]].text, [&](uint32_t cp) {
      latin1 = latin1 && cp <= 0xff;
      bytes.push_back(static_cast<char>(cp));
    });
    if (!latin1) return Fail("_codecs.encode of a str with a code point above U+00FF");
  } else {
    return Fail("REDUCE of something that is not _codecs.encode or __builtin__.bytes");
  }
  stack_.resize(stack_.size() - 2);
  return PushScalar(Kind::kBytes, std::move(bytes));
}

Unpickler::Step Unpickler::Memo(bool put, uint64_t index) {
  if (put) {
    if (stack_.empty()) return Fail("PUT on an empty stack");
    memo_[index] = stack_.back();
    return Step::kNext;
  }
  auto it = memo_.find(index);
  if (it == memo_.end()) return Fail(absl::StrCat("GET of memo ", index, ", never PUT"));
  stack_.push_back(it->second);
  return Step::kNext;
}

// The protocol-0 opcodes whose operand is a "\n"-terminated line.
Unpickler::Step Unpickler::Text(unsigned char op, std::string_view line) {
  std::string text;
  switch (op) {
    case kInt:
      if (line == "00" || line == "01") return PushScalar(Kind::kBool, line == "01" ? "True" : "False");
      if (!CanonicalDecimal(line, false, &text)) return Fail("INT operand is not a decimal integer");
      return PushScalar(Kind::kInt, std::move(text));
    case kLong:
      if (!CanonicalDecimal(line, true, &text)) return Fail("LONG operand is not a decimal integer");
      return PushScalar(Kind::kInt, std::move(text));
    case kString:
      if (line.size() < 2 || line.front() != line.back() || (line[0] != '\'' && line[0] != '"') ||
          !EscapeDecode(line.substr(1, line.size() - 2), &text)) {
        return Fail("STRING operand is not a quoted Python string");
      }
      return PushScalar(Kind::kBytes, std::move(text));
    case kUnicode:
      if (!RawUnicodeEscapeDecode(line, &text)) return Fail("UNICODE operand has a bad escape");
      return PushStr(std::move(text));
    default: {  // PUT / GET
      std::string index;
      if (!CanonicalDecimal(line, false, &index) || index[0] == '-' || index.size() > 18) {
        return Fail("PUT/GET operand is not a memo index");
      }
      return Memo(op == kPut, std::stoull(index));
    }
  }
}

Unpickler::Step Unpickler::Execute(unsigned char op) {
  std::string_view a, b;
  switch (op) {
    case kProto:
      if (!Take(1, &a)) return Step::kIncomplete;
      if (static_cast<unsigned char>(a[0]) > 2) {
        return Fail(absl::StrCat("pickle protocol ", static_cast<unsigned char>(a[0]),
                                 " (only 0 to 2 are read)"));
      }
      return Step::kNext;
    case kStop:
      return Step::kStop;
    case kMark:
      marks_.push_back(stack_.size());
      return Step::kNext;
    case kTuple: {
      if (marks_.empty()) return Fail("TUPLE without MARK");
      const size_t from = marks_.back();
      marks_.pop_back();
      return MakeTuple(from);
    }
    case kEmptyTuple: return MakeTuple(stack_.size());
    case kTuple1: case kTuple2: case kTuple3: {
      const size_t n = op - kTuple1 + 1;
      if (stack_.size() < n + (marks_.empty() ? 0 : marks_.back())) return Fail("stack underflow building a tuple");
      return MakeTuple(stack_.size() - n);
    }
    case kNone: return PushScalar(Kind::kNone, "None");
    case kNewTrue: return PushScalar(Kind::kBool, "True");
    case kNewFalse: return PushScalar(Kind::kBool, "False");
    case kBinInt:
      if (!Take(4, &a)) return Step::kIncomplete;
      return PushScalar(Kind::kInt, absl::StrCat(static_cast<int32_t>(Le32(a))));
    case kBinInt1:
      if (!Take(1, &a)) return Step::kIncomplete;
      return PushScalar(Kind::kInt, absl::StrCat(static_cast<unsigned char>(a[0])));
    case kBinInt2:
      if (!Take(2, &a)) return Step::kIncomplete;
      return PushScalar(Kind::kInt, absl::StrCat(static_cast<unsigned char>(a[0]) |
                                                 static_cast<unsigned char>(a[1]) << 8));
    case kLong1: case kLong4: {
      const size_t width = op == kLong1 ? 1 : 4;
      if (!Take(width, &a)) return Step::kIncomplete;
      const uint64_t n = width == 1 ? static_cast<unsigned char>(a[0]) : Le32(a);
      if (n > kMaxLongBytes) return Fail(absl::StrCat("an integer of ", n, " bytes (at most ", kMaxLongBytes, ")"));
      if (!Take(n, &b)) return Step::kIncomplete;
      return PushScalar(Kind::kInt, LittleEndianToDecimal(b));
    }
    case kShortBinString: case kBinString: case kBinUnicode: {
      const size_t width = op == kShortBinString ? 1 : 4;
      if (!Take(width, &a)) return Step::kIncomplete;
      const uint64_t n = width == 1 ? static_cast<unsigned char>(a[0]) : Le32(a);
      // A str's UTF-8 is at most twice the latin-1 bytes it may encode: refuse a longer claim now.
      if (n > 2 * max_item_ + 4) {
        return Fail(absl::StrCat("a string of ", n, " bytes exceeds the item limit ", max_item_));
      }
      if (!Take(n, &b)) return Step::kIncomplete;
      if (op != kBinUnicode) return PushScalar(Kind::kBytes, std::string(b));
      if (!ForEachCodePoint(b, [](uint32_t) {})) return Fail("BINUNICODE operand is not UTF-8");
      return PushStr(std::string(b));
    }
    case kBinPut: case kBinGet:
      if (!Take(1, &a)) return Step::kIncomplete;
      return Memo(op == kBinPut, static_cast<unsigned char>(a[0]));
    case kLongBinPut: case kLongBinGet:
      if (!Take(4, &a)) return Step::kIncomplete;
      return Memo(op == kLongBinPut, Le32(a));
    case kGlobal: {
      if (!Line(&a) || !Line(&b)) return Step::kIncomplete;
      Value v;
      if (a == "_codecs" && b == "encode") {
        v.kind = Kind::kCodecsEncode;
      } else if ((a == "__builtin__" || a == "builtins") && b == "bytes") {
        v.kind = Kind::kBytesType;
      } else {
        return Fail(absl::StrCat("GLOBAL '", std::string(a.substr(0, 64)), " ", std::string(b.substr(0, 64)),
                                 "' is not allowed (only _codecs.encode and __builtin__.bytes)"));
      }
      stack_.push_back(Add(std::move(v)));
      return Step::kNext;
    }
    case kReduce: return Reduce();
    case kInt: case kLong: case kString: case kUnicode: case kPut: case kGet:
      if (!Line(&a)) return Step::kIncomplete;
      return Text(op, a);
    default:
      return Fail(absl::StrFormat("opcode 0x%02x %s is not allowed (only the opcodes of "
                                  "(key, value) tuples of bytes/str/int/None/bool)",
                                  op, ForeignOpName(op)));
  }
}

Decoded<DiscoRecord> Unpickler::Run() {
  while (true) {
    if (pos_ == in_.size()) return Decoded<DiscoRecord>::Incomplete();
    const size_t at = pos_++;
    const Step step = Execute(static_cast<unsigned char>(in_[at]));
    if (step == Step::kIncomplete) return Decoded<DiscoRecord>::Incomplete();
    if (step == Step::kInvalid) return Decoded<DiscoRecord>::Invalid(std::move(reason_), at);
    if (step == Step::kNext) continue;
    // STOP: exactly one value, no open MARK.
    if (stack_.size() != 1 || !marks_.empty()) {
      return Decoded<DiscoRecord>::Invalid(
          absl::StrCat("STOP with ", stack_.size(), " stack item(s) and ", marks_.size(),
                       " open MARK(s) (a record is one value)"), at);
    }
    const Value& v = arena_[stack_[0]];
    DiscoRecord r;
    if (IsScalar(v.kind)) {
      r.value = v.text;
    } else if (v.kind == Kind::kTuple && v.items.size() == 2) {
      r.key = arena_[v.items[0]].text;
      r.value = arena_[v.items[1]].text;
    } else {
      return Decoded<DiscoRecord>::Invalid(
          v.kind == Kind::kTuple ? absl::StrCat("a record tuple of ", v.items.size(), " items (not (key, value))")
                                 : "a record that is a GLOBAL", at);
    }
    if (r.key.size() > max_item_ || r.value.size() > max_item_) {
      return Decoded<DiscoRecord>::Invalid(
          absl::StrCat("a key or value over the item limit ", max_item_), at);
    }
    return Decoded<DiscoRecord>::Ok(std::move(r), pos_);
  }
}

// Python 3's Pickler at protocol 1 for (bytes, bytes): memo numbers in the order it memoizes.
class BytesPickler {
 public:
  explicit BytesPickler(std::string* out) : out_(out) {}
  // CPython keeps one object for b"" and for each one-byte bytes: a value equal to such a key
  // is the same object, which the memo turns into a BINGET of the key.
  void Bytes(std::string_view b) {
    if (b.size() <= 1 && shared_memo_ >= 0 && b == shared_) return Get(shared_memo_);
    BytesObject(b);
    if (b.size() <= 1 && shared_memo_ < 0) {
      shared_ = std::string(b);
      shared_memo_ = memo_ - 1;
    }
  }
  void BytesObject(std::string_view b) {
    if (b.empty()) {
      Global(&bytes_type_memo_, "c__builtin__\nbytes\n");
      out_->push_back(kEmptyTuple);
    } else {
      Global(&codecs_memo_, "c_codecs\nencode\n");
      out_->push_back(kMark);
      std::string utf8;
      for (unsigned char c : b) AppendUtf8(&utf8, c);
      Unicode(utf8);
      if (latin1_memo_ >= 0) {
        Get(latin1_memo_);
      } else {
        latin1_memo_ = memo_;
        Unicode("latin1");
      }
      out_->push_back(kTuple);
      Put();
    }
    out_->push_back(kReduce);
    Put();
  }
  void Put() {
    out_->push_back(static_cast<char>(kBinPut));
    out_->push_back(static_cast<char>(memo_++));
  }

 private:
  void Get(int index) {
    out_->push_back(static_cast<char>(kBinGet));
    out_->push_back(static_cast<char>(index));
  }
  void Global(int* memo, std::string_view text) {
    if (*memo >= 0) return Get(*memo);
    out_->append(text);
    *memo = memo_;
    Put();
  }
  void Unicode(std::string_view utf8) {
    out_->push_back(static_cast<char>(kBinUnicode));
    for (int i = 0; i < 4; ++i) out_->push_back(static_cast<char>((utf8.size() >> (8 * i)) & 0xff));
    out_->append(utf8);
    Put();
  }

  std::string* out_;
  int memo_ = 0;  // a record memoizes at most 9 objects: BINPUT always suffices
  int codecs_memo_ = -1, bytes_type_memo_ = -1, latin1_memo_ = -1;
  std::string shared_;  // the first empty or one-byte bytes of the record
  int shared_memo_ = -1;
};

}  // namespace

Decoded<DiscoRecord> DecodePickledRecord(std::string_view in, uint64_t max_item_size) {
  return Unpickler(in, max_item_size).Run();
}

void AppendPickledBytesRecord(std::string* out, std::string_view key, std::string_view value) {
  BytesPickler p(out);
  out->push_back(kMark);
  p.Bytes(key);
  p.Bytes(value);
  out->push_back(kTuple);
  p.Put();
  out->push_back(kStop);
}

}  // namespace dxt::codec
