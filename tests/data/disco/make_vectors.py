#!/usr/bin/env python3
"""Test vectors for dxt's reader and writer of Disco's result format, made with Python's own
pickle and zlib, laid out exactly as Disco's DiscoOutputStream_v1 (lib/disco/fileutils.py) writes
them: per hunk struct.pack('<BBIQ', 0x81, compressed, crc32(records), len(payload)) + payload,
records = pickle.dumps((key, value), protocol), a hunk flushed once its records exceed 1 MiB, and
close() = pending hunk, then the terminator hunk. Next to each vector, NAME.kv holds the pairs dxt
must read from it, as dxt pair frames (u32le length + bytes, key then value).

  make_vectors.py OUTDIR             writes the small committed vectors (tests/data/disco/)
  make_vectors.py --big OUTDIR       writes big.disco (multi-hunk, > 3 MiB of records) + big.kv
  make_vectors.py --check FILE KV    reads FILE as Disco's disco_input_stream does (zlib, CRC,
                                     pickle.load) and exits 1 unless its records equal KV's pairs
  make_vectors.py --write KV OUT [--stored]
                                     writes KV's pairs as Disco would (bytes keys and values)
"""
import os
import pickle
import struct
import sys
import zlib

HUNK = 1 << 20


def hunk(records, compress):
    payload = zlib.compress(records, 2) if compress else records
    return struct.pack('<BBIQ', 0x81, int(compress), zlib.crc32(records) & 0xFFFFFFFF,
                       len(payload)) + payload


def stream(items, protocol=1, compress=True):
    out, pending, size = [], [], 0
    for item in items:
        pending.append(pickle.dumps(item, protocol))
        size += len(pending[-1])
        if size > HUNK:
            out.append(hunk(b''.join(pending), compress))
            pending, size = [], 0
    if pending:
        out.append(hunk(b''.join(pending), compress))
    out.append(hunk(b'', compress))
    return b''.join(out)


def as_bytes(x):
    """What dxt reads for a value: Python 2's str() of it."""
    if isinstance(x, bytes):
        return x
    if isinstance(x, str):
        return x.encode('utf-8')
    return str(x).encode('ascii')  # int, None, True, False


def frames(pairs):
    return b''.join(struct.pack('<I', len(k)) + k + struct.pack('<I', len(v)) + v for k, v in pairs)


def read_frames(data):
    pairs, i = [], 0
    while i < len(data):
        (n,) = struct.unpack_from('<I', data, i)
        k = data[i + 4:i + 4 + n]
        i += 4 + n
        (n,) = struct.unpack_from('<I', data, i)
        v = data[i + 4:i + 4 + n]
        i += 4 + n
        pairs.append((k, v))
    return pairs


def expected(items):
    return frames([(as_bytes(k), as_bytes(v)) if isinstance(e, tuple) else (b'', as_bytes(e))
                   for e in items for k, v in [e if isinstance(e, tuple) else ('', e)]])


# Distinct objects everywhere (bytes(bytearray(...)) copies), so a pickle's memo never refers
# back to an equal key: the records are what Disco writes for separately created strings.
def b(s):
    return bytes(bytearray(s))


MIXED = [
    (b(b'alpha'), b(b'1')),
    (b(b''), b(b'empty key')),
    (b(b'empty value'), b(b'')),
    (b(b'\x00\xff\n\\ \x80'), b(b'binary \x00\x01\xfe\xff')),
    ('unicode \u00e9\u4e2d', 'str value'),
    (b(b'count'), 3),
    (b(b'negative'), -70000),
    (b(b'big'), 2 ** 70),
    (b(b'small'), 255),
    (b(b'medium'), 65535),
    (b(b'none'), None),
    (b(b'flags'), True),
    (b(b'off'), False),
    (7, b(b'int key')),
    (b(b'same'), b(b'same')),
]
BYTES_ONLY = [(b(b'key %d' % i), b(b'value \x00\xff %d' % i)) for i in range(20)] + [
    (b(b''), b(b'')), (b(b'k'), b(b'v'))]


def write(path, data):
    with open(path, 'wb') as f:
        f.write(data)


def small(outdir):
    os.makedirs(outdir, exist_ok=True)
    vectors = {
        'empty': ([], 1, True),
        'p1_compressed': (MIXED, 1, True),
        'p1_stored': (MIXED, 1, False),
        'p2_compressed': (MIXED, 2, True),
        'p2_stored': (MIXED, 2, False),
        'p0_stored': (MIXED, 0, False),
        'bytes_compressed': (BYTES_ONLY, 1, True),
        'bytes_stored': (BYTES_ONLY, 1, False),
    }
    for name, (items, protocol, compress) in vectors.items():
        write(os.path.join(outdir, name + '.disco'), stream(items, protocol, compress))
        write(os.path.join(outdir, name + '.kv'), expected(items))
    # The old text layout (DiscoOutputStream_v0): "%d %s %d %s\n" of str(k), str(v).
    text = [(b'a', b'1'), (b'', b'no key'), (b'two words', b'line\nbreak'), (b'\x00\xff', b'')]
    write(os.path.join(outdir, 'text_v0.disco'),
          b''.join(b'%d %s %d %s\n' % (len(k), k, len(v), v) for k, v in text))
    write(os.path.join(outdir, 'text_v0.kv'), frames(text))
    # Foreign pickles: a GLOBAL that would run a function, and a float.
    write(os.path.join(outdir, 'foreign_global.disco'), stream([(b(b'k'), os.system)], 1, False))
    write(os.path.join(outdir, 'foreign_float.disco'), stream([(b(b'k'), 1.5)], 1, False))


def big(outdir):
    os.makedirs(outdir, exist_ok=True)
    items = [(b(b'key %07d' % i), b(bytes([i % 256]) * (i % 3000) + b'|%d' % i)) for i in range(3000)]
    data = stream(items, 1, True)
    write(os.path.join(outdir, 'big.disco'), data)
    write(os.path.join(outdir, 'big.kv'), expected(items))


def read_disco(data):
    """Disco's disco_input_stream, on Python 3's pickle (this is our own test data)."""
    import io
    records, i = [], 0
    while i < len(data):
        compressed, checksum, size = struct.unpack_from('<BIQ', data, i + 1)
        if data[i] != 0x81:
            raise ValueError('bad hunk marker at %d' % i)
        payload = data[i + 14:i + 14 + size]
        i += 14 + size
        raw = zlib.decompress(payload) if compressed else payload
        if zlib.crc32(raw) & 0xFFFFFFFF != checksum:
            raise ValueError('checksum')
        f = io.BytesIO(raw)
        while f.tell() < len(raw):
            records.append(pickle.load(f))
    return records


def main(argv):
    if argv[:1] == ['--big']:
        big(argv[1])
    elif argv[:1] == ['--check']:
        with open(argv[1], 'rb') as f:
            got = read_disco(f.read())
        with open(argv[2], 'rb') as f:
            want = read_frames(f.read())
        if got != want:
            print('records differ: %d read, %d expected' % (len(got), len(want)), file=sys.stderr)
            for n, (g, w) in enumerate(zip(got, want)):
                if g != w:
                    print('first difference at record %d: %r != %r' % (n, g, w), file=sys.stderr)
                    break
            return 1
    elif argv[:1] == ['--write']:
        with open(argv[1], 'rb') as f:
            pairs = [(b(k), b(v)) for k, v in read_frames(f.read())]
        write(argv[2], stream(pairs, 1, '--stored' not in argv))
    else:
        small(argv[0])
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
