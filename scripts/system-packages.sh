#!/usr/bin/env bash
# Installs the Debian packages the voice and browser tests use, when they are missing:
# espeak-ng, flite and festival speak the test and benchmark utterances in several voices, Chromium is the real
# browser for the widget tests, npm installs the stock socket.io client the webchat test
# loads into it (tests/ecosystem/package.json), HAProxy balances the replicas of `make serve-scaled`
# (and its fault tests).
set -euo pipefail
missing=()
command -v espeak-ng >/dev/null || missing+=(espeak-ng)
command -v flite >/dev/null || missing+=(flite)
command -v text2wave >/dev/null || missing+=(festival)
command -v chromium >/dev/null || missing+=(chromium)
command -v npm >/dev/null || missing+=(npm)
command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ] || missing+=(haproxy)
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null; then
  echo "Please install: ${missing[*]} (the voice and browser tests need them)." >&2
  exit 1
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "Installing ${missing[*]} with apt-get..."
# Wait for another apt run (up to 5 minutes) instead of failing on its lock.
$sudo apt-get -o DPkg::Lock::Timeout=300 update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=300 install -y -qq "${missing[@]}" >/dev/null
