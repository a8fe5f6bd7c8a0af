#!/usr/bin/env python3
"""Fails when code that belongs to a lazy page or a lazy function is back in the main module.

`wasm-split-cli` keeps a function in the main module as soon as anything the frame runs calls
it, or its address is in the function table: one call from the frame to the solver, say,
brings the solver and all it calls into every first load (ARCHITECTURE.md, "The pages are split
out of the first download"). This reads the function names of the main module (the `name`
section, which scripts/build-site.sh keeps for the main module before wasm-opt) and lists the
functions matching a path below.

    scripts/check-main-module.py target/site/pkg/pmo-board.wasm
"""
import re
import sys

from wasm_sections import leb128, sections

# What only lazy code uses, by the start of its path: the solver (selection page, and the
# comparison of two versions), the spreadsheets (data page), the comparison, the undo, and the
# cookie parsing of leptos_i18n's `cookie` feature (turned off: the app keeps its own cookie).
NOT_IN_MAIN = [
    "microlp::",
    "sprs::",
    "calamine::",
    "rust_xlsxwriter::",
    "shared::selection::",
    "shared::history::compare::",
    "shared::history::describe_applied",
    "shared::history::undo::",
    "cookie::",
    "time::parsing::",
]


def demangle(name):
    """`_ZN7microlp6solver...E` as `microlp::solver::...` (Rust's legacy mangling)."""
    if not name.startswith("_ZN"):
        return name
    parts, at = [], 3
    while at < len(name) and name[at].isdigit():
        digits = re.match(r"\d+", name[at:]).group()
        at += len(digits)
        parts.append(name[at:at + int(digits)])
        at += int(digits)
    return "::".join(parts)


def function_names(data):
    for _, end, sub, name in sections(data):
        if name != b"name":
            continue
        while sub < end:
            kind, sub_body = data[sub], sub + 1
            sub_size, sub_body = leb128(data, sub_body)
            if kind == 1:
                count, item = leb128(data, sub_body)
                for _ in range(count):
                    _, item = leb128(data, item)
                    length, item = leb128(data, item)
                    yield data[item:item + length].decode("utf-8", "replace")
                    item += length
            sub = sub_body + sub_size
        return


def main(path):
    with open(path, "rb") as file:
        data = file.read()
    names = [demangle(name) for name in function_names(data)]
    if not names:
        sys.exit(f"{path}: no function names to check (wasm-opt removes them: check before it)")
    found = sorted({name for name in names for path_start in NOT_IN_MAIN if name.lstrip("<").startswith(path_start)})
    if found:
        print(f"{path}: {len(found)} function(s) of lazy code in the main module, e.g.:", file=sys.stderr)
        for name in found[:10]:
            print(f"  {name}", file=sys.stderr)
        sys.exit(1)
    print(f"main module: {len(names)} functions, none of the lazy code's ({', '.join(NOT_IN_MAIN)})")


if __name__ == "__main__":
    main(sys.argv[1])
