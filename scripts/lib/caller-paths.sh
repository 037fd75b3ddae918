# Sourced by scripts that cd to the repository: arguments naming files or folders that exist
# relative to where the script was called from are made absolute first, so
# `../scripts/test cli/test_x.py::test_y -k resume` and `./scripts/run ../talk.mp3` mean the
# caller's paths. Options, option values and anything else that does not exist pass unchanged
# (a pytest node id is checked by the part before "::").
#
# Usage: caller_paths "$@"   then   set -- "${CALLER_ARGS[@]}"
caller_paths() {
  CALLER_ARGS=()
  local arg path
  for arg in "$@"; do
    path=${arg%%::*}
    if [[ -n "$path" && "$arg" != -* && "$path" != /* && -e "$path" ]]; then
      CALLER_ARGS+=("$PWD/$arg")
    else
      CALLER_ARGS+=("$arg")
    fi
  done
}
