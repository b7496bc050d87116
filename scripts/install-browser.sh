#!/usr/bin/env bash
# Installs what the browser tests need on a fresh Debian machine: Debian's Chromium, which
# Playwright for Python drives headless through its executable path (no browser download).
# Idempotent: a second run installs nothing.
set -euo pipefail

if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
echo "install-browser: installing Debian's chromium"
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-noto-core </dev/null >/dev/null
command -v chromium >/dev/null 2>&1 || { echo "install-browser: chromium is not on PATH after install" >&2; exit 1; }
