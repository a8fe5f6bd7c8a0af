#!/usr/bin/env python3
"""Removes the `name` custom section (function names for stack traces) from WebAssembly files.

The split chunks of a debug build carry the names of every function they hold: 56 of the
88 MB the debug site came to, fetched by every new browser profile when the service worker
installs. The code and its line numbers in panic messages are untouched.

    scripts/strip-names.py FILE.wasm...
"""
import sys

from wasm_sections import sections

for path in sys.argv[1:]:
    with open(path, "rb") as file:
        data = file.read()
    if data[:4] != b"\0asm":
        sys.exit(f"{path}: not a WebAssembly module")
    kept = [data[:8]] + [data[start:end] for start, end, _, name in sections(data) if name != b"name"]
    with open(path, "wb") as file:
        file.write(b"".join(kept))
