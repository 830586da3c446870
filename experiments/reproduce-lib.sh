# Sourced by every experiments/<name>/reproduce.sh (`mnemo reproduce <name>` runs them): moves to the repository
# root and gives the scripts one dry-run switch. With DRY_RUN=1 a script prints each command it would run, one
# line each (run directories under the placeholder <scratch>), and runs, builds and writes nothing.
set -euo pipefail
MNEMO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$MNEMO_ROOT"

# True when the script only prints its commands.
dry_run() { [ "${DRY_RUN:-0}" = 1 ]; }

# A fresh directory for the runs' own directories; "<scratch>" when nothing runs.
scratch_dir() { if dry_run; then echo "<scratch>"; else mktemp -d; fi; }

# step CMD...: runs CMD (or prints it).
step() { if dry_run; then echo "$*"; else "$@"; fi; }

# step_to FILE CMD...: runs CMD with its stdout in FILE (or prints "CMD > FILE").
step_to() {
  local file="$1"; shift
  if dry_run; then echo "$* > $file"; else "$@" > "$file"; fi
}

# Builds the jar once, before runs start in parallel (each ./mnemo would otherwise race to build it).
build_once() { dry_run || ./mnemo --version > /dev/null; }

# background LOG CMD...: starts CMD with its output in LOG, at most PARALLEL (default 2, this machine's cores)
# at a time; wait_all waits for the rest. A failed command stops the script, naming its log.
_pids=()
_logs=()
background() {
  local log="$1"; shift
  if dry_run; then echo "$*"; return; fi
  "$@" > "$log" 2>&1 &
  _pids+=($!)
  _logs+=("$log")
  if [ "${#_pids[@]}" -ge "${PARALLEL:-2}" ]; then _wait_first; fi
}
_wait_first() {
  if ! wait "${_pids[0]}"; then
    echo "reproduce: a run failed; its output: ${_logs[0]}" >&2
    exit 1
  fi
  _pids=("${_pids[@]:1}")
  _logs=("${_logs[@]:1}")
}
wait_all() { while [ "${#_pids[@]}" -gt 0 ]; do _wait_first; done; }

# copy_run RUN_DIR DEST FILE...: replaces DEST with the named files of a run directory (nothing when dry); a
# missing file stops the script.
copy_run() {
  local src="$1" dest="$2"; shift 2
  dry_run && return 0
  rm -rf "${dest:?}"
  mkdir -p "$dest"
  local f
  for f in "$@"; do cp "$src/$f" "$dest/"; done
}

# copy_sweep SWEEP_DIR DEST: replaces DEST with a sweep's summary, report and, for every <case>/<setting>/seed-<n>/ run
# (attempts moved aside excluded), its config, metrics, summary, events and provenance (nothing when dry).
copy_sweep() {
  local src="$1" dest="$2"
  dry_run && return 0
  rm -rf "${dest:?}"
  mkdir -p "$dest"
  cp "$src/sweep-summary.json" "$dest/"
  cp -r "$src/report" "$dest/"
  (cd "$src" && find . -mindepth 3 -maxdepth 3 -type d -name 'seed-*' ! -name '*.attempt-*') |
    while read -r run; do
      copy_run "$src/$run" "$dest/$run" config.conf metrics.csv summary.json events.jsonl provenance.json
    done
}

# The commit the sources are at, with "-dirty" when they have uncommitted changes (for files a run writes
# without a provenance.json of its own).
source_commit() {
  local c
  c="$(git -C "$MNEMO_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  if [ -n "$(git -C "$MNEMO_ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ]; then c="$c-dirty"; fi
  echo "$c"
}
