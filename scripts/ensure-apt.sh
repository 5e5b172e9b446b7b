#!/usr/bin/env bash
# Installs Debian packages the tests need (prometheus, prometheus-alertmanager, chromium, …) when
# missing, as root or with password-less sudo; otherwise stops at once with the one command that
# installs them. Services are not started by the package (the tests start their own on free
# loopback ports).
set -euo pipefail
missing=()
for pkg in "$@"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
cannot() {
  echo "[ensure-apt] the Debian packages ${missing[*]} are needed and $1." >&2
  echo "[ensure-apt] install them with:  sudo apt-get install -y ${missing[*]}" >&2
  exit 1
}
command -v apt-get >/dev/null || cannot "this machine has no apt-get"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null && sudo -n true 2>/dev/null ||
    cannot "installing them needs root (no password-less sudo here)"
  SUDO="sudo"
fi
echo "[ensure-apt] installing ${missing[*]}" >&2
# policy-rc.d 101: do not start the packaged services during install.
printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
$SUDO chmod +x /usr/sbin/policy-rc.d
trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
$SUDO apt-get update -qq >&2 || cannot "apt-get update failed"
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 ||
  cannot "apt-get install failed"
