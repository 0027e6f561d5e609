#!/bin/sh
# Set kg up on a fresh Debian machine that has nothing but Python 3:
#   sh scripts/install.sh          the tool, in a virtual environment .venv (PEP 668: Debian's
#                                  Python refuses `pip install` outside one)
#   sh scripts/install.sh --test   also what the tests need: the test tools, and from apt the
#                                  packages listed in scripts/test-packages.txt (Chromium and
#                                  CJK fonts for the browser tests)
# Missing apt packages are installed with apt-get (as root, or through sudo). Safe to rerun.
set -eu
cd "$(dirname "$0")/.."

want_tests=0
[ "${1:-}" = "--test" ] && want_tests=1

packages=""
python3 -c "import ensurepip, venv" 2>/dev/null || packages="python3-venv"
if [ "$want_tests" = 1 ]; then
    packages="$packages $(sed -e 's/#.*//' scripts/test-packages.txt | tr '\n' ' ')"
fi
missing=""
for package in $packages; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing="$missing $package"
done
if [ -n "$missing" ]; then
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "install.sh: not a Debian system; install these by hand:$missing" >&2
        exit 1
    fi
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "install.sh: apt-get install$missing" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing >/dev/null
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
if [ "$want_tests" = 1 ]; then
    .venv/bin/python -m pip install --quiet -e '.[test]'
else
    .venv/bin/python -m pip install --quiet -e .
fi
echo "install.sh: ready; activate with: . .venv/bin/activate" >&2
