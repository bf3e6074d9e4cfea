#!/usr/bin/env python3
"""Writes the seed corpora fuzz/corpus/<target>/ (small valid and invalid inputs, hand-made).

Run from anywhere: python3 fuzz/make_corpus.py. The output is committed; re-running rewrites the
same files byte for byte (deterministic), removing stale seeds of the listed targets first.
Wire formats: docs/PROTOCOL.md R2 (parameter block), R3 (pair frame), R4 (result list), R7 (log).
"""
import os
import shutil
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")


def u32(n):
    return struct.pack("<I", n)


def pair(key, value):
    return u32(len(key)) + key + u32(len(value)) + value


def result_list(pairs):
    return u32(len(pairs)) + b"".join(pair(k, v) for k, v in pairs)


def param_body(entries):
    return b"".join(b"%d %s %d %s\n" % (len(k), k, len(v), v) for k, v in entries)


def param_block(entries):
    body = param_body(entries)
    return b"%d\n" % len(body) + body


def raw_block(raw):
    return b"%d\n" % len(raw) + raw


SPEC_R21 = [(b"test1", b"1,2,3"), (b"one two three", b"dim\ndam\n"), (b"dummy", b"value")]
TRICKY = [(b" lead", b"x"), (b"nul\x00key", b"\xff\xfe"), (b"e", b""), (b"", b"empty key"),
          (b"nl\n", b" \t\n")]

PAIRS = {
    "empty_pair": pair(b"", b""),
    "small_pair": pair(b"key00001", b"value001"),
    "binary_pair": pair(b"\x00\xff\n ", b"\xff\xff\xff\xff\x00"),
    "two_pairs": pair(b"a", b"1") + pair(b"bb", b"22"),
    "truncated_value": pair(b"key", b"value")[:-2],
    "truncated_prefix": b"\x03\x00",
    "huge_key_claim": b"\xff\xff\xff\xff" + b"abc",
    "huge_value_claim": u32(1) + b"k" + b"\x00\x00\x00\x40",
    "limit_plus_one": u32(1) + b"k" + u32((1 << 20) + 1),
    "seventeen": pair(b"0123456789abcdef", b"x"),
}

LISTS = {
    "empty_list": result_list([]),
    "one_pair_list": result_list([(b"word", b"1")]),
    "three_pair_list": result_list([(b"a", b"1"), (b"", b""), (b"\x00", b"\xff" * 9)]),
    "count_too_big": u32(0xFFFFFFFF) + pair(b"a", b"b"),
    "count_short": u32(3) + pair(b"a", b"b"),
    "header_only": u32(2),
    "pair_over_limit": u32(1) + u32(9) + b"123456789" + u32(0),
    "sixty_five": u32(65) + pair(b"k", b"v") * 65,
}

PARAMS = {
    "empty_block": b"0\n",
    "spec_r21": param_block(SPEC_R21),
    "tricky_entries": param_block(TRICKY),
    "raw_string": raw_block(b"just a string, provided as is"),
    "leading_zero_len": b"0005\nhello",
    "sign": b"+5\nhello",
    "space_in_header": b" 5\nhello",
    "no_newline": b"5hello",
    "body_short": b"20\n5 a",
    "too_many_digits": b"123456789012345678901\n",
    "bad_entry_sep": b"12\n5 test1_5 1,2\n",
    "len_past_end": b"10\n99 ab 1 c\n",
    "over_limit": b"1048577\n",
}

LOGS = [
    b"**<MSG> hello\n**<ERR> boom\n",
    b"**<MSG>no space\nplain line\n",
    b"**<MSG> unterminated",
    b"\n\n\n",
    b"**<ERR>\n**<MS\n**<MSG>" + b"x" * 300 + b"\n",
    b"*\n**<\n**<M",
]

DISCO_C = {
    "empty": b"0\n" + pair(b"k", b"v"),
    "spec_r21": param_block(SPEC_R21) + pair(b"key", b"value"),
    "leading_space_key": param_block([(b" k", b"v")]),
    "leading_space_value": param_block([(b"k", b"\tv"), (b"x", b"y")]),
    # R2.5: empty last value, then a pair whose key length 32 begins with a space byte.
    "empty_last_value": param_block([(b"a", b"1"), (b"b", b"")]) + pair(b" " * 32, b"v"),
    "nul_key": param_block([(b"ab\x00cd", b"1")]),
    "duplicate_keys": param_block([(b"k", b"1"), (b"j", b"2"), (b"k", b"3")]),
    "starved": b"50\n5 abc",
    "bad_total": b"x\n",
    "signed_total": b"-3\n",
    "too_long": b"3\n1 a 1 b\n",
}


def stream_seed(grammar, chunks, stream):
    return bytes([grammar, len(chunks)] + chunks) + stream


def differential_seeds():
    pairs = pair(b"a", b"1") + pair(b"", b"") + pair(b"key", b"\x00\xff")
    lists = result_list([]) + result_list([(b"w", b"1"), (b"x", b"2")]) + result_list([(b"", b"")])
    params = param_block(SPEC_R21) + pair(b"k", b"v") + pair(b"kk", b"vv")
    seeds = {}
    for name, grammar, data in (("pairs", 0, pairs), ("lists", 1, lists), ("params", 2, params)):
        seeds[name + "_bytewise"] = stream_seed(grammar, [], data)
        seeds[name + "_chunks"] = stream_seed(grammar, [3, 0, 7, 1], data)
        seeds[name + "_whole"] = stream_seed(grammar, [255], data)
        seeds[name + "_truncated"] = stream_seed(grammar, [2, 5], data[:-3])
    seeds["pairs_over_limit"] = stream_seed(0, [4], pair(b"a", b"b") + u32(5000) + b"xx")
    seeds["lists_count_over_limit"] = stream_seed(1, [1], u32(65) + pair(b"k", b"v"))
    seeds["params_bad_header"] = stream_seed(2, [1], b"1x\n")
    seeds["params_raw_body"] = stream_seed(2, [2], raw_block(b"raw body") + pair(b"k", b""))
    return seeds


def log_seeds():
    seeds = {}
    for i, data in enumerate(LOGS):
        seeds["log_%d_bytewise" % i] = bytes([0, 0]) + data
        seeds["log_%d_chunks" % i] = bytes([2, 3, 5, 0, 11]) + data
    seeds["long_line_truncated"] = bytes([0, 1, 4]) + b"**<MSG> " + b"y" * 40 + b"\n"
    return seeds


def be(n, width):
    return n.to_bytes(width, "big")


def rt_string(s, width=2):
    # FuzzInput::TakeString(300) reads a 2-byte big-endian length (range 0..300).
    return be(len(s), width) + s


def rt_pairs(pairs):
    return bytes([len(pairs)]) + b"".join(rt_string(k) + rt_string(v) for k, v in pairs)


def roundtrip_seeds():
    return {
        "pairs": bytes([0]) + rt_pairs([(b"key", b"value"), (b"", b""), (b"\x00\xff", b"\n ")]),
        "lists": bytes([1, 2]) + rt_pairs([(b"a", b"1")]) + rt_pairs([]),
        "params": bytes([2]) + rt_pairs(TRICKY) + rt_pairs([(b" ", b"x")]),
        "params_spec": bytes([2]) + rt_pairs(SPEC_R21) + rt_pairs([]),
        "raw": bytes([3]) + rt_string(b"raw string\n with \x00 bytes"),
    }


def disco_stream_seeds():
    """Real hunks made by Python's pickle and zlib, laid out as Disco's DiscoOutputStream_v1."""
    import pickle
    import zlib

    def hunk(records, compress):
        payload = zlib.compress(records, 2) if compress else records
        return struct.pack("<BBIQ", 0x81, int(compress), zlib.crc32(records) & 0xFFFFFFFF,
                           len(payload)) + payload

    def stream(items, protocol=1, compress=True):
        records = b"".join(pickle.dumps(item, protocol) for item in items)
        return (hunk(records, compress) if records else b"") + hunk(b"", compress)

    mixed = [(b"key", b"value"), (b"", b"\x00\xff"), ("text \u00e9", 42), (b"n", None),
             (b"big", 2 ** 70), (b"neg", -3), (b"t", True)]
    seeds = {"empty": stream([]), "empty_stored": stream([], compress=False),
             "text_v0": b"1 a 1 b\n0  3 x y\n"}
    for protocol in (0, 1, 2):
        seeds["mixed_p%d" % protocol] = stream(mixed, protocol)
        seeds["mixed_p%d_stored" % protocol] = stream(mixed, protocol, False)
    seeds["pickle_only"] = pickle.dumps((b"k", b"v"), 1)
    seeds["foreign_global"] = stream([(b"k", os.system)], 1, False)
    return seeds


TARGETS = {
    "kv_frame_fuzzer": PAIRS,
    "result_list_fuzzer": LISTS,
    "param_block_fuzzer": PARAMS,
    "log_line_fuzzer": log_seeds(),
    "stream_differential_fuzzer": differential_seeds(),
    "roundtrip_fuzzer": roundtrip_seeds(),
    "disco_c_params_fuzzer": DISCO_C,
    "disco_stream_fuzzer": disco_stream_seeds(),
}


def main():
    for target, seeds in TARGETS.items():
        out = os.path.join(CORPUS, target)
        shutil.rmtree(out, ignore_errors=True)
        os.makedirs(out)
        for name, data in sorted(seeds.items()):
            with open(os.path.join(out, name), "wb") as f:
                f.write(data)
        print("%-28s %3d seeds" % (target, len(seeds)))


if __name__ == "__main__":
    main()
