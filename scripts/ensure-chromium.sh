#!/usr/bin/env bash
# The browser tests drive Debian's chromium (with CJK fonts for Hangul); install them when missing.
set -euo pipefail
if command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -i "noto.*cjk" >/dev/null; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "== installing Debian's chromium for the browser tests"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
else
  echo "chromium or fonts-noto-cjk is missing: sudo apt-get install chromium fonts-noto-cjk" >&2
  exit 1
fi
