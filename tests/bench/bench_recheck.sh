#!/usr/bin/env bash
# What a finished broadcast costs when `castnet extract` meets it again (docs/cli.md): unchanged
# (its listing compared: no frame opened), its files touched (every frame read and compared by
# content, none detected), one frame added (read, compared, the new one extracted), and moved to
# another folder (read, compared, followed). An episode's N frames (default 2,300: copies of the
# 60 Hamilton frames, 640x360); the first extraction uses a quick detector, since only the later
# runs are measured. Median of RUNS runs each, --threads 2.
#
#   tests/bench/bench_recheck.sh [N] [RUNS]        (defaults 2300, 3)
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
bin=${CASTNET_BIN:-$here/build/bin/castnet}
shared=${CASTNET_SHARED:-$here/../shared}/data/frames/hamilton_360
n=${1:-2300}
runs=${2:-3}
[ -d "$shared" ] || { echo "bench: $shared is absent" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
opts=(--threads 2 --quiet --detector "${DETECTOR:-dlib-hog:upsample=0}")

mkdir -p "$work/EP"
src=("$shared"/*.jpg)
for k in $(seq 1 "$n"); do cp "${src[$(( (k - 1) % ${#src[@]} ))]}" "$work/EP/EP-$(printf %06d "$k").jpg"; done
start=$(date +%s.%N)
"$bin" extract "$work/EP" -o "$work/out" "${opts[@]}" >/dev/null
echo "first extraction of $n frames: $(echo "$(date +%s.%N) - $start" | bc) s (not the measure)"

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
seconds() { local t0; t0=$(date +%s.%N); "$@" >/dev/null; echo "$(date +%s.%N) - $t0" | bc; }

measure() {  # label, a command that changes the input before each run
  local label=$1; shift
  local times=()
  for r in $(seq "$runs"); do
    "$@" "$r"
    times+=("$(seconds "$bin" extract "$(cat "$work/input")" -o "$work/out" "${opts[@]}")")
  done
  printf '%s: median %.2f s over %d runs (%.2f ms a frame)\n' "$label" "$(printf '%s\n' "${times[@]}" | median)" "$runs" \
    "$(echo "$(printf '%s\n' "${times[@]}" | median) * 1000 / $n" | bc -l)"
}

echo "$work/EP" > "$work/input"
unchanged() { :; }
touched() { touch "$work/EP"/*.jpg; }
added() { cp "${src[0]}" "$work/EP/EP-$(printf %06d $((n + $1))).jpg"; }
moved() { local from; from=$(cat "$work/input"); mv "$from" "$work/EP$1"; echo "$work/EP$1" > "$work/input"; }
measure "unchanged (listing only)" unchanged
measure "files touched (read, compared, nothing detected)" touched
measure "one frame added (read, compared, one extracted)" added
measure "moved to another folder (read, compared, followed)" moved
