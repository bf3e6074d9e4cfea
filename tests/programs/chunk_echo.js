#!/usr/bin/env node
// Broken subject (both modes): a Node.js echo that parses each 'data' chunk on its own, as if a
// chunk always held whole pairs (the first one the whole parameter block too). A chunk is what
// has arrived: up to 64 KiB, cut anywhere. Small, promptly written input passes; anything larger
// than a pipe holds, or delivered in pieces, reads a length from the middle of an item (a
// RangeError, exit 1). Root cause: `framing` (R3.1, short-read), "fails whenever its input
// cannot reach it in one read" (was: exit R8.1 with the RangeError).
'use strict';

let blockRead = false;
process.stdin.on('data', (chunk) => {
  let at = 0;
  if (!blockRead) {
    const newline = chunk.indexOf(10);
    at = newline + 1 + parseInt(chunk.subarray(0, newline).toString(), 10);
    blockRead = true;
  }
  while (at + 4 <= chunk.length) {
    const keyLength = chunk.readUInt32LE(at);
    const key = chunk.subarray(at + 4, at + 4 + keyLength);
    at += 4 + keyLength;
    const valueLength = chunk.readUInt32LE(at);
    const value = chunk.subarray(at + 4, at + 4 + valueLength);
    at += 4 + valueLength;
    const list = Buffer.alloc(16 + key.length + value.length);
    list.writeUInt32LE(1, 0);
    list.writeUInt32LE(key.length, 4);
    key.copy(list, 8);
    list.writeUInt32LE(value.length, 8 + key.length);
    value.copy(list, 12 + key.length);
    process.stdout.write(list.subarray(0, 12 + key.length + value.length));
  }
});
