#!/usr/bin/env bash
# Runs the benchmarks and writes every figure, with the date and the machine, to
# BENCHMARKS.md. Benchmarks print figures and never fail; ARCHITECTURE.md states what is fast
# and why, and points here for the numbers.
#
#   scripts/bench.sh     (make bench)
set -euo pipefail
cd "$(dirname "$0")/.."
out=BENCHMARKS.md
native=$(mktemp)
wasm=$(mktemp)
load=$(mktemp)
browser=$(mktemp)
sync_load=$(mktemp)
history=$(mktemp)
trap 'rm -f "$native" "$wasm" "$load" "$browser" "$sync_load" "$history"' EXIT
# The sync load figures (`make bench-sync`) and the soak figures after them (`make soak`) take
# many minutes each and are not run here: they are kept as they are, from the sync load heading
# to the end of the file, so the soak section must stay after the sync load one.
sed -n '/^## Sync load/,$p' "$out" >"$sync_load" 2>/dev/null || true

echo "native benchmarks (cargo bench -p shared)…" >&2
cargo bench -p shared --bench dashboard -- --output-format bencher 2>/dev/null | grep '^test ' >"$native"
cargo bench -p shared --bench exchange -- --output-format bencher 2>/dev/null | grep '^test ' >>"$native"
echo "the history API per page, SQLite and Postgres (cargo bench -p server --bench history_api)…" >&2
PMO_BENCH_POSTGRES_URL=${PMO_BENCH_POSTGRES_URL-postgres://postgres@127.0.0.1:5432/test} \
  cargo bench -p server --bench history_api 2>/dev/null | grep '^history API' >"$history" || true
echo "WebAssembly timings (release, in Node)…" >&2
cargo test -p shared --release --target wasm32-unknown-unknown --test wasm_timing -- --nocapture 2>&1 \
  | grep '^wasm: ' | sed 's/^wasm: //' >"$wasm" || true
echo "release site and first load over a throttled link (end2end/bench/first-load.js)…" >&2
scripts/build-site.sh --release >&2
make --no-print-directory server-bin >&2
(cd end2end && PMO_BOARD_BIN="$PWD/../target/e2e/pmo-board" node bench/first-load.js) >"$load" || true
echo "every page of the large board in Chromium (scripts/bench-ui.sh, end2end/bench/pages.js)…" >&2
scripts/bench-ui.sh --print >"$browser" || true

# Raw, gzip -9 and brotli sizes of what the browser downloads on a first load.
sizes() {
  local file
  echo "| file | raw | gzip | brotli |"
  echo "|---|---:|---:|---:|"
  for file in target/site/pkg/pmo-board.wasm target/site/pkg/pmo-board.js target/site/pkg/pmo-board.css; do
    printf '| %s | %d KiB | %d KiB | %s |\n' "${file##*/}" $(($(stat -c %s "$file") / 1024)) \
      $(($(gzip -9 -c "$file" | wc -c) / 1024)) \
      "$(command -v brotli >/dev/null && echo "$(($(brotli --best -c "$file" | wc -c) / 1024)) KiB" || echo "n/a")"
  done
}

{
  echo "# Benchmarks"
  echo
  echo "Written by \`make bench\` (scripts/bench.sh): do not edit by hand. One run; figures are noisy."
  echo
  echo "- date: $(date -u +%Y-%m-%d)"
  echo "- machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1), $(free -g | awk '/^Mem:/ { print $2 }') GiB"
  echo "- rustc: $(rustc --version)"
  echo "- commit: $(git rev-parse --short HEAD)"
  echo
  echo "## The domain on the generated 1,000-project board (native, \`cargo bench -p shared\`)"
  echo
  echo "1,000 projects, 300 people, 31,200 allocation cells, 2,000 risks."
  echo
  echo "| benchmark | median |"
  echo "|---|---:|"
  awk '{
    name = $0; sub(/^test /, "", name); sub(/ \.\.\. bench:.*/, "", name);
    ns = $0; sub(/.*bench: */, "", ns); sub(/ ns\/iter.*/, "", ns); gsub(/,/, "", ns);
    if (ns >= 1000000) printf "| %s | %.1f ms |\n", name, ns / 1000000;
    else if (ns >= 1000) printf "| %s | %.1f µs |\n", name, ns / 1000;
    else printf "| %s | %d ns |\n", name, ns;
  }' "$native"
  echo
  echo "## The history API (release, in-process server; \`cargo bench -p server --bench history_api\`)"
  echo
  echo "The same board with 10,000 more changes, restored from its backup (its rows without summaries), then 60"
  echo "edits through a sync connection, which the write gate describes as it commits them; each page is 50 changes."
  echo
  if [[ -s "$history" ]]; then
    sed 's/^/- /' "$history"
  else
    echo "(not measured: the history API benchmark printed nothing)"
  fi
  echo
  echo "## The same in WebAssembly (release build, in Node)"
  echo
  if [[ -s "$wasm" ]]; then
    sed 's/^/- /' "$wasm"
  else
    echo "(not measured: the wasm timing test printed nothing)"
  fi
  echo
  echo "## The app's download (release build, wasm-opt -Oz)"
  echo
  sizes
  echo
  echo "## First load (headless Chromium, network throttled; debug server, release site)"
  echo
  if [[ -s "$load" ]]; then cat "$load"; else echo "(not measured: the first-load benchmark printed nothing)"; fi
  echo
  if [[ -s "$browser" ]]; then
    cat "$browser"
  else
    echo "## The board's pages in the browser"
    echo
    echo "(not measured: scripts/bench-ui.sh printed nothing)"
  fi
  if [[ -s "$sync_load" ]]; then
    echo
    cat "$sync_load"
  fi
} >"$out"
echo "wrote $out" >&2
