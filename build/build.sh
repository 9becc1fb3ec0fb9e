#!/usr/bin/env bash
# Build the single-file binary dist/albatross with PyInstaller (build/albatross.spec).
#
# PyInstaller cannot see through an editable install's import hook, so the binary is built from
# a separate venv (.venv-build) holding a normal, non-editable install of the project. That venv
# is reused while pyproject.toml, requirements.lock and this script are unchanged (stamp file);
# the project itself is reinstalled from a fresh copy of the sources on every run. Everything
# scratch lives under build/work/ (git-ignored); the result replaces dist/albatross atomically,
# so a failed build leaves the previous binary in place. Safe to re-run at any time.
set -euo pipefail
cd "$(dirname "$0")/.."

PY="${PYTHON:-python3}"
VENV=.venv-build
WORK=build/work
STAGE="$WORK/src"
STAMP="$VENV/.installed"

mkdir -p "$WORK" dist
# One build at a time in this checkout (parallel test runs, ./dev binary while a test builds).
exec 9>"$WORK/.lock"
flock 9

# pip prints harmless "Location 'file:///...' is ignored" warnings on these machines. Filter
# them without hiding pip's exit status (a pipe into grep would).
pip_install() {
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check "$@" 2> >(grep -v "is ignored" >&2)
}

started=$SECONDS

"$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || {
    echo "build: Albatross needs Python 3.11 or newer as '$PY' (set PYTHON=...)." >&2; exit 1; }

# 1. A clean copy of what `pip install .` needs. Building from the copy keeps setuptools'
#    build/lib, bdist.* and *.egg-info out of the source tree (build/ is ours).
rm -rf "$STAGE"
mkdir -p "$STAGE"
files=(pyproject.toml src adapters migrations)
for optional in README.md LICENSE; do
    [ -e "$optional" ] && files+=("$optional")
done
tar -c --exclude=__pycache__ --exclude='*.pyc' "${files[@]}" | tar -x -C "$STAGE"

# 2. The build venv: dependencies only when the requirements (or this script) changed.
if [ ! -x "$VENV/bin/python" ]; then
    if ! "$PY" -c 'import venv, ensurepip' 2>/dev/null; then
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
            apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null
        else
            echo "build: install python3-venv first (sudo apt-get install python3-venv)." >&2; exit 1
        fi
    fi
    rm -f "$STAMP"
    "$PY" -m venv "$VENV"
fi
if [ ! -f "$STAMP" ] || [ pyproject.toml -nt "$STAMP" ] || [ requirements.lock -nt "$STAMP" ] \
    || [ build/build.sh -nt "$STAMP" ]; then
    echo "build: installing dependencies into $VENV"
    pip_install -c requirements.lock "setuptools>=68" "$STAGE[build]"
    touch "$STAMP"
fi

# PyInstaller needs binutils (objdump) and a shared libpython; minimal Debian images lack both.
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    missing=()
    command -v objdump >/dev/null || missing+=(binutils)
    minor="$("$VENV/bin/python" -c 'import sys; print(sys.version_info.minor)')"
    if ! "$VENV/bin/python" -c '
import pathlib, sys, sysconfig
name = f"libpython3.{sys.version_info.minor}.so.1.0"
dirs = [sysconfig.get_config_var(v) or "" for v in ("LIBDIR", "LIBPL")]
dirs += ["/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu"]
sys.exit(0 if any(pathlib.Path(d, name).exists() for d in dirs if d) else 1)'; then
        missing+=("libpython3.$minor")
    fi
    if [ "${#missing[@]}" -gt 0 ]; then
        echo "build: installing ${missing[*]} (needed by PyInstaller)"
        apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
fi

# 3. The project itself, non-editable, from the fresh copy (its version rarely changes, so force).
pip_install -c requirements.lock --no-deps --force-reinstall --no-build-isolation "$STAGE"
"$VENV/bin/python" - <<'EOF'
import pathlib, sys
import albatross.migrations
here = pathlib.Path(albatross.migrations.__file__).parent
if "site-packages" not in here.parts or not (here / "env.py").is_file() or not (here / "versions").is_dir():
    sys.exit(f"build: albatross.migrations resolves to {here}, not a regular install with its scripts")
EOF

# 4. PyInstaller. Its work dir is reused between runs (it redoes only what changed).
echo "build: running PyInstaller"
"$VENV/bin/pyinstaller" --noconfirm --log-level WARN \
    --workpath "$WORK/pyinstaller" --distpath "$WORK/dist" build/albatross.spec

# 5. Check the result runs at all, then put it in place.
"$WORK/dist/albatross" version >/dev/null
mv -f "$WORK/dist/albatross" dist/albatross
echo "build: dist/albatross ($(du -h dist/albatross | cut -f1)) in $((SECONDS - started)) s"
