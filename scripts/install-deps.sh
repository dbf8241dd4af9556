#!/bin/sh
# install-deps.sh [extra packages...]: installs, with apt, the Debian 12
# packages c1d needs that are not installed yet (plus any named on the
# command line). Uses sudo when not run as root. Installs nothing when all
# are present, so it is cheap to run every time.
set -eu
packages="gcc pkg-config meson ninja-build libopenblas-dev check libjansson-dev $*"
missing=""
for p in $packages; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
echo "install-deps: installing$missing" >&2
$sudo apt-get update -qq
# shellcheck disable=SC2086 # word splitting of the package list is intended
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
