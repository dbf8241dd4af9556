#!/bin/sh
# Installs the build into a scratch DESTDIR, then builds examples/example.c
# the way a downstream user would (pkg-config --cflags --libs c1d) and runs it.
# Usage: install_test.sh BUILD_DIR SOURCE_DIR
set -eu
build=$1
src=$2
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
meson install -C "$build" --no-rebuild --destdir "$dest" >/dev/null
pc=$(find "$dest" -name c1d.pc | head -n 1)
[ -n "$pc" ] || { echo "c1d.pc was not installed"; exit 1; }
export PKG_CONFIG_PATH="$(dirname "$pc")"
export PKG_CONFIG_SYSROOT_DIR="$dest"
cc -std=c11 -Wall -Wextra -Werror $(pkg-config --cflags c1d) "$src/examples/example.c" -o "$dest/example" \
    $(pkg-config --libs c1d)
libdir=$(dirname "$(find "$dest" -name 'libc1d.so.*' | head -n 1)")
out=$(LD_LIBRARY_PATH="$libdir" "$dest/example")
echo "$out"
# The example prints the first output step: relu of a 3-tap same conv, 4 filters.
echo "$out" | grep -Eq '^y\[0,0,:\] = [0-9.e+-]+ [0-9.e+-]+ [0-9.e+-]+ [0-9.e+-]+$'
