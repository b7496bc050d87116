#!/usr/bin/env bash
# Build SeaweedFS's `weed` binary (Apache-2.0; master + volume + filer + S3
# gateway in one program) from the Go module proxy at a pinned version, with
# this machine's Go toolchain, and cache it outside the clone:
#
#   ${OCR_CACHE_DIR:-$HOME/.cache/ocr-service}/seaweedfs-<version>/weed
#
# A fresh machine pays for the build once (several minutes on 2 cores); later
# runs see a working cached binary and do nothing.
#
# Why not `go install module@version`: SeaweedFS's go.mod has `replace`
# directives, which `go install pkg@version` refuses. So we download the module
# (`go mod download -json` gives its directory), copy it to a writable build
# dir (the module cache is read-only) and `go build ./weed` inside it.
#
# Usage: scripts/build-seaweedfs.sh [--print-path] [--force]
#   --print-path  only print where the binary is (or would be) and exit
#   --force       rebuild even if the cached binary works
#
# Environment:
#   OCR_CACHE_DIR       cache root (default $HOME/.cache/ocr-service)
#   SEAWEEDFS_VERSION   module version to build (default: the pinned one below)
#   GO                  go command (default: `go` on PATH, else /usr/local/go/bin/go)
set -euo pipefail

SEAWEEDFS_MODULE="github.com/seaweedfs/seaweedfs"
SEAWEEDFS_VERSION="${SEAWEEDFS_VERSION:-v0.0.0-20261109003541-7506e5f91cd6}"

die() { echo "build-seaweedfs: error: $*" >&2; exit 1; }
log() { echo "build-seaweedfs: $*" >&2; }

CACHE_ROOT="${OCR_CACHE_DIR:-${HOME:?HOME is not set}/.cache/ocr-service}"
OUT_DIR="$CACHE_ROOT/seaweedfs-$SEAWEEDFS_VERSION"
OUT="$OUT_DIR/weed"

force=0
for arg in "$@"; do
    case "$arg" in
        --print-path) echo "$OUT"; exit 0 ;;
        --force) force=1 ;;
        -h|--help) sed -n '2,23p' "$0"; exit 0 ;;
        *) die "unknown argument: $arg (try --help)" ;;
    esac
done

if [[ $force -eq 0 && -x "$OUT" ]] && "$OUT" version >/dev/null 2>&1; then
    log "cached binary OK: $OUT ($("$OUT" version 2>/dev/null | head -n1))"
    exit 0
fi

# --- find Go --------------------------------------------------------------
GO="${GO:-}"
if [[ -z "$GO" ]]; then
    if command -v go >/dev/null 2>&1; then
        GO="$(command -v go)"
    elif [[ -x /usr/local/go/bin/go ]]; then
        GO=/usr/local/go/bin/go
    else
        die "no Go toolchain found (install Go >= 1.26 or set GO=/path/to/go)"
    fi
fi
PATH="$(dirname "$GO"):$PATH"
export PATH
export CGO_ENABLED=0
# -mod=mod: let the build fill in go.sum entries the module zip may lack.
export GOFLAGS="${GOFLAGS:+$GOFLAGS }-mod=mod -buildvcs=false"
# If the module's go.mod needs a newer Go than the local one, the go command
# fetches that toolchain from the proxy (GOTOOLCHAIN=auto semantics); an
# explicit GOTOOLCHAIN from the caller (e.g. go1.27.3) is respected.
export GOTOOLCHAIN="${GOTOOLCHAIN:-auto}"
log "using $("$GO" version)"

start_ts=$(date +%s)

# --- download the module ----------------------------------------------------
log "downloading $SEAWEEDFS_MODULE@$SEAWEEDFS_VERSION from the module proxy"
json="$("$GO" mod download -json "$SEAWEEDFS_MODULE@$SEAWEEDFS_VERSION")" \
    || die "go mod download of $SEAWEEDFS_MODULE@$SEAWEEDFS_VERSION failed"
src_dir="$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p' | head -n1)"
[[ -n "$src_dir" && -d "$src_dir" ]] || die "could not find the module directory in: $json"

# --- copy to a writable build dir and build ---------------------------------
mkdir -p "$OUT_DIR"
build_dir="$(mktemp -d "$OUT_DIR/build.XXXXXX")"
cleanup() { chmod -R u+w "$build_dir" 2>/dev/null || true; rm -rf "$build_dir"; }
trap cleanup EXIT

log "copying module source to $build_dir"
cp -R "$src_dir/." "$build_dir/"
chmod -R u+w "$build_dir"

log "building ./weed (CGO_ENABLED=0, this takes several minutes on 2 cores)"
(
    cd "$build_dir"
    "$GO" build -trimpath -ldflags "-s -w" -o "$build_dir/weed.bin" ./weed
) || die "go build of ./weed failed (see output above)"
"$build_dir/weed.bin" version >/dev/null 2>&1 || die "the freshly built weed binary does not run"
mv -f "$build_dir/weed.bin" "$OUT"  # same filesystem: atomic replace

"$OUT" version >/dev/null 2>&1 || die "built binary $OUT does not run"

elapsed=$(( $(date +%s) - start_ts ))
size=$(du -h "$OUT" | cut -f1)
log "built $OUT ($size) in ${elapsed}s ($((elapsed / 60))m$((elapsed % 60))s): $("$OUT" version 2>/dev/null | head -n1)"
