// Disco's own result format: what a Disco cluster stores as task results
// (DiscoOutputStream_v1 in Disco's lib/disco/fileutils.py, read back by disco_input_stream in
// lib/disco/worker/task_io.py). Written down once; the codec is disco_stream.h and disco_pickle.h.
//
// A stream is a sequence of hunks, the last one a terminator whose records are empty:
//   +------------+-----------+----------------+----------------+------------------------+
//   | marker: u8 | flag: u8  | crc32: u32le   | length: u64le  | payload: `length` bytes |
//   +------------+-----------+----------------+----------------+------------------------+
//     0x81 =       1: zlib     CRC-32 of the    bytes of the     zlib (level 2) of the
//     128 + v1     0: stored   UNCOMPRESSED     payload as       records when flag = 1,
//                              records          stored           else the records
// Records: the concatenation of pickle.dumps((key, value), 1), one per pair. The writer flushes a
// hunk right after the record that takes its records past 1 MiB, and close() writes the pending
// hunk (if any) and then the terminator hunk, always. The empty stream is 22 bytes:
//   81 01 00000000 0800000000000000 785e030000000001
// Python 3 pickles a `bytes` at protocol 1 as _codecs.encode(<str of its latin-1 code points>,
// 'latin1') (GLOBAL '_codecs encode', MARK, BINUNICODE, BINUNICODE 'latin1', TUPLE, REDUCE), and
// the empty bytes as __builtin__.bytes() (GLOBAL '__builtin__ bytes', EMPTY_TUPLE, REDUCE).
//
// The older layout (DiscoOutputStream_v0), recognised by a first byte < 0x80, per pair:
//   <decimal len(key)> " " <key> " " <decimal len(value)> " " <value> "\n"
#ifndef DXT_CODEC_DISCO_FORMAT_H_
#define DXT_CODEC_DISCO_FORMAT_H_

#include <cstddef>
#include <cstdint>

#include "codec/wire_format.h"

namespace dxt::codec {

inline constexpr unsigned char kDiscoHunkMarker = 0x81;   // 128 + version 1
inline constexpr size_t kDiscoHunkHeaderSize = 14;        // marker, flag, crc32, length
inline constexpr size_t kDiscoHunkFlagAt = 1;
inline constexpr size_t kDiscoHunkCrcAt = 2;
inline constexpr size_t kDiscoHunkLengthAt = 6;
inline constexpr uint64_t kDiscoHunkFlushBytes = uint64_t{1} << 20;  // flush once records exceed it
inline constexpr int kDiscoZlibLevel = 2;                 // Disco's compression_level default
inline constexpr size_t kDiscoTextMaxDigits = 10;         // Disco's reader looks 11 bytes ahead

// Decoder limits; every claimed length is checked before anything is allocated for it.
struct DiscoLimits {
  uint64_t max_item_size = kDefaultMaxItemSize;  // one key or value, after conversion to bytes
  uint64_t max_hunk_size = uint64_t{3} << 30;    // a hunk's payload, stored and uncompressed
};

}  // namespace dxt::codec

#endif  // DXT_CODEC_DISCO_FORMAT_H_
