// The records inside a Disco hunk (disco_format.h): pickles of (key, value), read by a restricted
// unpickler that never executes anything, and written exactly as Python 3 writes bytes records.
#ifndef DXT_CODEC_DISCO_PICKLE_H_
#define DXT_CODEC_DISCO_PICKLE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "codec/decoded.h"
#include "codec/disco_format.h"

namespace dxt::codec {

// One record converted to dxt's bytes: the key and value as Python 2's str() shows them (what
// Disco's own v0 writer and external interface use): bytes as is, a unicode str as its UTF-8, an
// int in decimal, None/True/False as "None"/"True"/"False". A record that is a single value (not
// a tuple) has an empty key, as Disco's worker sends it to an external program.
struct DiscoRecord {
  std::string key;
  std::string value;
};

// Decodes the pickle at the start of `in` (one record of a hunk). Understood: protocols 0 to 2,
// only the opcodes those records need —
//   PROTO(<=2) STOP MARK TUPLE EMPTY_TUPLE TUPLE1..3 NONE NEWTRUE NEWFALSE INT BININT BININT1
//   BININT2 LONG LONG1 LONG4 STRING BINSTRING SHORT_BINSTRING UNICODE BINUNICODE
//   PUT BINPUT LONG_BINPUT GET BINGET LONG_BINGET GLOBAL REDUCE
// — and only two GLOBALs, each only as REDUCE'd by Python for bytes: `_codecs encode` applied to
// (str, 'latin1') and `__builtin__ bytes` (or `builtins bytes`) applied to ().
//  kOk: the record; consumed = bytes up to and including STOP.
//  kIncomplete: `in` is a proper prefix of such a pickle (inside a hunk, a truncated record).
//  kInvalid: error_offset is the offending opcode's byte, reason names it: any other opcode
//    ("opcode 0x63 ... not allowed"), another GLOBAL, a str that is not latin-1 for
//    _codecs.encode, a memo index never PUT, a stack underflow, a record that is not a value or a
//    (key, value) tuple of bytes/str/int/None/bool, a key or value over max_item_size.
// Work and memory are linear in the input; BINGET shares, never copies.
Decoded<DiscoRecord> DecodePickledRecord(std::string_view in,
                                         uint64_t max_item_size = kDefaultMaxItemSize);

// Appends pickle.dumps((key, value), 1) byte for byte as CPython 3 writes it for a key and a value
// made separately (memo numbering included): CPython's shared objects for b"" and one-byte bytes
// are modelled, so an equal value of at most one byte is a BINGET of the key.
void AppendPickledBytesRecord(std::string* out, std::string_view key, std::string_view value);

}  // namespace dxt::codec

#endif  // DXT_CODEC_DISCO_PICKLE_H_
