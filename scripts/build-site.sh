#!/usr/bin/env bash
# Builds the browser half of PMO Board into target/site, exactly as `cargo leptos build` does,
# without needing cargo-leptos installed: the `app` crate to wasm32 (feature `hydrate`), its
# JavaScript bindings with wasm-bindgen, wasm-opt for release builds, then the style sheet and
# the static assets beside them.
#
#   scripts/build-site.sh            debug build (what the browser tests use)
#   scripts/build-site.sh --release  the `wasm-release` profile, optimised with wasm-opt -Oz
#   KEEP_NAMES=1 scripts/build-site.sh --release   the same code with every function's name (no
#                                    wasm-opt, chunks not stripped): for profiling, as in a CPU
#                                    profile of end2end/bench/pages.js (BENCH_PROFILE)
set -euo pipefail
cd "$(dirname "$0")/.."

profile=dev
profile_dir=debug
if [[ "${1:-}" == "--release" ]]; then
  profile=wasm-release
  profile_dir=wasm-release
fi
target_dir="${CARGO_TARGET_DIR:-target}"
site=target/site
name=pmo-board # also LEPTOS_OUTPUT_NAME in .cargo/config.toml and the service worker's list

# Several checkouts may share one CARGO_TARGET_DIR: keep the build and the copy of its output
# together, so that one checkout never packages another's wasm.
mkdir -p "$target_dir"
exec 9>"$target_dir/.build-site.lock"
flock 9
# Checkouts sharing the cache give the workspace crates the same artifact names, and cargo
# judges them fresh by modification time: another checkout's newer build of `shared` or `app`
# would pass for this one's. Make this checkout's sources the newest, inside the lock.
find shared/src app/src -name '*.rs' -exec touch {} +

cargo build -p app --lib --target wasm32-unknown-unknown --no-default-features --features hydrate \
  --profile "$profile"
rm -rf "$site/pkg"
mkdir -p "$site/pkg"
# Lazy pages (`#[lazy_route]` in app/src/pages/mod.rs) are split out of the main module into
# chunks of their own, beside a small loader (`__wasm_split.js`) that fetches a chunk when its
# page is first opened; the main module then goes through wasm-bindgen as usual, keeping the
# exports the chunks link against. This is what `cargo leptos build --split` does.
wasm-split-cli --out-name "$name" "$target_dir/wasm32-unknown-unknown/$profile_dir/app.wasm" "$site/pkg"
wasm-bindgen --target web --no-typescript --keep-lld-exports --no-demangle --out-dir "$site/pkg" \
  --out-name "$name" "$site/pkg/$name.wasm"
# Leptos loads `<name>.wasm` (cargo-leptos's naming), not wasm-bindgen's `<name>_bg.wasm`.
mv "$site/pkg/${name}_bg.wasm" "$site/pkg/$name.wasm"
# Code that only lazy pages and lazy functions use must not be back in the main module (one
# call from the frame brings it into every first load): checked on the function names, which
# wasm-opt removes below.
python3 scripts/check-main-module.py "$site/pkg/$name.wasm"
# The chunks' function names (most of a debug chunk's bytes; the main module keeps its own, for
# stack traces): every browser profile fetches every chunk once, when the service worker installs.
if [[ -z "${KEEP_NAMES:-}" ]]; then
  find "$site/pkg" -name '*.wasm' ! -name "$name.wasm" -exec python3 scripts/strip-names.py {} +
fi
if [[ "$profile" == "wasm-release" && -z "${KEEP_NAMES:-}" ]]; then
  # The features rustc emits for wasm32-unknown-unknown by default; two files at a time, and
  # only files over 16 KiB: most chunks are a few KiB, where wasm-opt's start-up (it is
  # JavaScript) costs seconds each and saves bytes that gzip mostly takes anyway.
  find "$site/pkg" -name '*.wasm' -size +16k -print0 | xargs -0 -P 2 -I '{}' wasm-opt -Oz --enable-bulk-memory \
    --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
    --enable-reference-types --enable-multivalue -o '{}' '{}'
  # Compressed once here at the best ratio; the server sends these as they are (ServeDir's
  # precompressed files) instead of compressing the wasm on every first load.
  for wasm in "$site"/pkg/*.wasm; do
    gzip -9 --keep --force "$wasm"
    if command -v brotli >/dev/null; then
      brotli --best --keep --force "$wasm"
    fi
  done
else
  # Debug: the chunks (18 MB, fetched by every browser profile's service worker) compressed
  # once, fast, instead of by the debug server for every profile: about 1 s of the server's CPU
  # per browser context in the browser tests. The main module (23 MB, over the server's limit
  # for compressing as it goes out) stays plain, as it was served.
  find "$site/pkg" \( -name '*.wasm' -o -name '*.js' \) ! -name "$name.wasm" -print0 | xargs -0 -r gzip -1 --keep --force
fi
cp style/main.css "$site/pkg/$name.css"
cp -R public/. "$site/"
# The service worker keeps every file the app may load, the lazy pages' chunks among them, so
# that any page opens offline, even one not opened while online.
chunks=$(cd "$site" && find pkg -name '*.wasm' -o -name '__wasm_split*.js' | grep -vx "pkg/$name.wasm" | sort | sed 's|.*|"/&"|' | paste -sd, -)
sed -i "s|^const CHUNKS = \[\];.*|const CHUNKS = [$chunks];|" "$site/sw.js"
printf 'site: %s main wasm, %s in all, in %s\n' "$(du -sh "$site/pkg/$name.wasm" | cut -f1)" "$(du -ch "$site"/pkg/*.wasm | tail -n1 | cut -f1)" "$site/pkg"
