#!/usr/bin/env bash
# The browser benchmark of every page of a board on the generated large board (1,000 projects,
# 300 people, 52 weeks, 10,000 changes of history): builds the release site, the server binary
# the browser tests use and the board's backup, then runs end2end/bench/pages.js in headless
# Chromium. Prints figures and never fails on them; not part of `make test`.
#
#   scripts/bench-ui.sh           (make bench-ui) also writes the table into BENCHMARKS.md, in
#                                 place of its section "The board's pages in the browser"
#   scripts/bench-ui.sh --print   only prints the section (scripts/bench.sh assembles it)
set -euo pipefail
cd "$(dirname "$0")/.."
heading="## The board's pages in the browser"

echo "release site (scripts/build-site.sh --release)…" >&2
scripts/build-site.sh --release >&2
# The release server, as `make bench-sync` uses: on the debug server (what the browser tests
# run) the large board's restore took minutes and the board never reached the browser.
echo "release server (cargo build --release -p server --bin pmo-board)…" >&2
cargo build --release -p server --bin pmo-board >&2
server_bin="$(realpath -m "${CARGO_TARGET_DIR:-target}")/release/pmo-board"
large_board="$PWD/target/large-board.automerge"
echo "the large board with 10,000 changes of history (cargo run -p shared --release --example large_board)…" >&2
cargo run -p shared --release --example large_board -- "$large_board" 10000 >&2
(cd end2end && { test node_modules/.package-lock.json -nt package-lock.json || npm install --no-audit --no-fund >&2; })

table=$(mktemp)
trap 'rm -f "$table"' EXIT
echo "every page in headless Chromium (end2end/bench/pages.js)…" >&2
(cd end2end && PMO_BOARD_BIN="$server_bin" LARGE_BOARD="$large_board" node bench/pages.js) \
  >"$table" || true
{
  echo "$heading (headless Chromium; release site, release server; \`make bench-ui\`)"
  echo
  echo "$(date -u +%Y-%m-%d), commit $(git rev-parse --short HEAD), $(nproc) cores. Issues 10, 11, 14 and 15's targets;"
  echo "how each figure is taken is written at the top of end2end/bench/pages.js."
  echo
  if [[ -s "$table" ]]; then cat "$table"; else echo "(not measured: the benchmark printed nothing)"; fi
} >"$table.section"
mv "$table.section" "$table"

if [[ "${1:-}" == "--print" ]]; then
  cat "$table"
  exit 0
fi
cat "$table"
# In BENCHMARKS.md: this section replaced (from its heading to the next `## `), or added before
# the sync load figures (or at the end).
python3 - "$table" <<'PY'
import re, sys
section = open(sys.argv[1]).read().rstrip("\n") + "\n"
path = "BENCHMARKS.md"
text = open(path).read()
heading = "## The board's pages in the browser"
start = text.find(heading)
if start >= 0:
    end = text.find("\n## ", start + len(heading))
    text = text[:start] + section + ("\n" + text[end + 1:] if end >= 0 else "")
else:
    at = text.find("\n## Sync load")
    text = text[:at + 1] + section + "\n" + text[at + 1:] if at >= 0 else text.rstrip("\n") + "\n\n" + section
open(path, "w").write(text)
PY
echo "wrote the section “${heading#\#\# }” of BENCHMARKS.md" >&2
