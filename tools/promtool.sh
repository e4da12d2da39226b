#!/usr/bin/env bash
# Prints the path of Prometheus's promtool, fetched once from Debian's prometheus package into
# artifacts/tools without installing it (installing would start a Prometheus server).
# Usage: tools/promtool.sh → /…/artifacts/tools/promtool   (then: promtool check metrics < scrape)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tool="$root/artifacts/tools/promtool"
if [[ ! -x "$tool" ]]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  chmod 755 "$work"   # apt's _apt user writes the download here
  (cd "$work" && apt-get download -q prometheus >/dev/null 2>&1) \
    || { apt-get update -q >/dev/null 2>&1 && (cd "$work" && apt-get download -q prometheus >/dev/null 2>&1); } \
    || { echo "promtool: cannot download Debian's prometheus package" >&2; exit 1; }
  dpkg-deb -x "$work"/prometheus_*.deb "$work/x"
  mkdir -p "$(dirname "$tool")"
  cp "$work/x/usr/bin/promtool" "$tool"
fi
echo "$tool"
