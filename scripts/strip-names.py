#!/usr/bin/env python3
"""Removes the `name` custom section (function names for stack traces) from WebAssembly files.

The split chunks of a debug build carry the names of every function they hold: 56 of the
88 MB the debug site came to, fetched by every new browser profile when the service worker
installs. The code and its line numbers in panic messages are untouched.

    scripts/strip-names.py FILE.wasm...
"""
import sys


def leb128(data, at):
    value = shift = 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, at


for path in sys.argv[1:]:
    with open(path, "rb") as file:
        data = file.read()
    if data[:4] != b"\0asm":
        sys.exit(f"{path}: not a WebAssembly module")
    kept = [data[:8]]
    at = 8
    while at < len(data):
        start = at
        section_id = data[at]
        size, body = leb128(data, at + 1)
        at = body + size
        if section_id == 0:
            name_length, name_at = leb128(data, body)
            if data[name_at:name_at + name_length] == b"name":
                continue
        kept.append(data[start:at])
    with open(path, "wb") as file:
        file.write(b"".join(kept))
