#!/usr/bin/env bash
# Builds the browser half of PMO Board into target/site, exactly as `cargo leptos build` does,
# without needing cargo-leptos installed: the `app` crate to wasm32 (feature `hydrate`), its
# JavaScript bindings with wasm-bindgen, wasm-opt for release builds, then the style sheet and
# the static assets beside them.
#
#   scripts/build-site.sh            debug build (what the browser tests use)
#   scripts/build-site.sh --release  the `wasm-release` profile, optimised with wasm-opt -Oz
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
wasm-bindgen --target web --no-typescript --out-dir "$site/pkg" --out-name "$name" \
  "$target_dir/wasm32-unknown-unknown/$profile_dir/app.wasm"
# Leptos loads `<name>.wasm` (cargo-leptos's naming), not wasm-bindgen's `<name>_bg.wasm`.
mv "$site/pkg/${name}_bg.wasm" "$site/pkg/$name.wasm"
if [[ "$profile" == "wasm-release" ]]; then
  # The features rustc emits for wasm32-unknown-unknown by default.
  wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    -o "$site/pkg/$name.wasm" "$site/pkg/$name.wasm"
  # Compressed once here at the best ratio; the server sends these as they are (ServeDir's
  # precompressed files) instead of compressing the wasm on every first load.
  gzip -9 --keep --force "$site/pkg/$name.wasm"
  if command -v brotli >/dev/null; then
    brotli --best --keep --force "$site/pkg/$name.wasm"
  fi
fi
cp style/main.css "$site/pkg/$name.css"
cp -R public/. "$site/"
printf 'site: %s\n' "$(du -sh "$site/pkg/$name.wasm" | cut -f1) wasm in $site/pkg"
