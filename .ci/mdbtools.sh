# Sourced by .ci/run: Debian's mdbtools, whose mdb-export reads Arbin .res files (MS Access databases) for the
# arbin-res reader (src/cellbench/measurements/readers/arbin_res.py). Safe to run again: an installed
# mdb-export is left alone.
cellbench_mdbtools_setup() {
  if command -v mdb-export >/dev/null; then
    return 0
  fi
  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo="sudo -n"; else
      echo "ci: not root and no sudo: cannot install mdbtools; the Arbin .res tests will be skipped" >&2
      return 0
    fi
  fi
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y mdbtools
}
cellbench_mdbtools_setup
