#!/usr/bin/env bash
# Builds OfflinePushFFI.xcframework for Apple platforms, next to Package.swift,
# which uses it as a binaryTarget on every platform but Linux. Runs on a Mac
# with Xcode and rustup; it cannot run on Linux.
#
#   bindings/swift/build-xcframework.sh            # release
#
# Then `swift build` in bindings/swift, or add the folder as a local package in Xcode.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd -P)
TOP=$(cd "$HERE/../.." && pwd -P)
OUT=$HERE/OfflinePushFFI.xcframework
STAGE=$TOP/build/xcframework
TARGETS=(aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios aarch64-apple-darwin x86_64-apple-darwin)

[[ $(uname -s) == Darwin ]] || { echo "build-xcframework.sh: needs macOS with Xcode" >&2; exit 1; }

echo "==> rustup targets"
rustup target add "${TARGETS[@]}"

echo "==> cargo build --release for ${TARGETS[*]}"
cd "$TOP"
for target in "${TARGETS[@]}"; do
  cargo build --release -p offline-push --lib --target "$target"
done
cargo build --release -p uniffi-bindgen

echo "==> generate Swift and the C header (library mode, uniffi.toml in effect)"
rm -rf "$STAGE" && mkdir -p "$STAGE/headers"
target/release/uniffi-bindgen generate "target/aarch64-apple-darwin/release/liboffline_push.a" \
  --language swift --language kotlin --config uniffi.toml --no-format --out-dir "$STAGE/gen"
# The same checked patches as `./dev build` (they patch both languages' files).
target/release/uniffi-bindgen patch "$STAGE/gen"
cp "$STAGE/gen/OfflinePush.swift" "$HERE/Sources/OfflinePush/"
cp "$STAGE/gen/OfflinePushFFI.h" "$HERE/Sources/OfflinePushFFI/OfflinePushFast.h" "$STAGE/headers/"
# The framework's module map must be named module.modulemap; the fast path's
# hand-written header goes in it beside the generated one.
sed 's|^\( *\)header "OfflinePushFFI.h"|&\n\1header "OfflinePushFast.h"|' \
  "$STAGE/gen/OfflinePushFFI.modulemap" >"$STAGE/headers/module.modulemap"
grep -q 'header "OfflinePushFast.h"' "$STAGE/headers/module.modulemap" ||
  { echo "build-xcframework.sh: the generated module map has no header line to extend" >&2; exit 1; }

echo "==> fat libraries for the simulator and macOS"
lib() { echo "target/$1/release/liboffline_push.a"; }
lipo -create "$(lib aarch64-apple-ios-sim)" "$(lib x86_64-apple-ios)" -output "$STAGE/libsim.a"
lipo -create "$(lib aarch64-apple-darwin)" "$(lib x86_64-apple-darwin)" -output "$STAGE/libmac.a"

echo "==> xcodebuild -create-xcframework -> ${OUT#"$TOP"/}"
rm -rf "$OUT"
xcodebuild -create-xcframework \
  -library "$(lib aarch64-apple-ios)" -headers "$STAGE/headers" \
  -library "$STAGE/libsim.a" -headers "$STAGE/headers" \
  -library "$STAGE/libmac.a" -headers "$STAGE/headers" \
  -output "$OUT"
echo "done: $OUT"
