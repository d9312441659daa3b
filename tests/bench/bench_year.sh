#!/usr/bin/env bash
# A year in one store: `castnet cluster --full` (the default: Chinese whispers on the bounded
# nearest-neighbour graph, then the face constraints and the join) on calibrated faces made by
# bench_year (two faces a frame, broadcasts of 2,300 faces, the anchor ~20% of the faces, a
# share of the anchor's faces on screen twice), with wall time, peak memory and B-cubed F1
# against the identities; then one more broadcast (2,300 faces) added to a copy of the clustered
# store and `castnet cluster` placing only its faces, with the share that joined the person of
# their identity. Median of RUNS runs (default 3) of each, each in a process of its own; the
# store is made once per size.
#   tests/bench/bench_year.sh [BUILD_DIR] [SIZES] [TWICE]      e.g. build "100000 1000000" 0.01
# SPEC=dbscan:eps=0.4,min_samples=5 clusters with another clusterer (bare, as --cluster runs it).
set -euo pipefail
build=${1:-build}
sizes=${2:-"100000 1000000"}
twice=${3:-0.01}
runs=${RUNS:-3}
threads=${THREADS:-2}
here=$(cd "$(dirname "$0")" && pwd)
work=${WORK:-$(mktemp -d)}
[ -n "${WORK:-}" ] || trap 'rm -rf "$work"' EXIT
castnet="$build/bin/castnet"
field() { tr ' ' '\n' | sed -n "s/^$1=//p"; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
# Wall seconds and the child's peak resident memory (MB) of one command, as key=value.
measure() {
  /usr/bin/python3 - "$@" <<'EOF'
import resource, subprocess, sys, time
start = time.monotonic()
rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(f"seconds={time.monotonic() - start:.1f} peak_mb={peak:.0f} rc={rc}")
EOF
}
cluster_args=(cluster --threads "$threads" --quiet --full)
[ -n "${SPEC:-}" ] && cluster_args+=(--cluster "$SPEC")
printf '%9s %6s %10s %8s %9s %8s %8s %8s %8s %8s\n' faces twice seconds peak_mb bcubed_f1 people make_s add_s add_mb joined
for n in $sizes; do
  dir="$work/year-$n-$twice"
  make_s=-
  if [ ! -f "$dir/identities.bin" ]; then
    make_s=$(measure "$build/tests/bench/bench_year" make "$dir" "$n" --twice "$twice" | field seconds)
  fi
  times=() line=""
  for _ in $(seq "$runs"); do
    line=$(measure "$castnet" "${cluster_args[@]}" -o "$dir")
    [ "$(echo "$line" | field rc)" = 0 ] || { echo "castnet cluster failed: $line" >&2; exit 1; }
    times+=("$(echo "$line" | field seconds)")
  done
  score=$("$build/tests/bench/bench_year" score "$dir")
  # One more broadcast, into a copy each run: only its faces are placed.
  add_times=() add_line=""
  for _ in $(seq "$runs"); do
    rm -rf "$dir.add" && cp -r "$dir" "$dir.add"
    "$build/tests/bench/bench_year" add "$dir.add" > /dev/null
    add_line=$(measure "$castnet" cluster --threads "$threads" --quiet -o "$dir.add")
    add_times+=("$(echo "$add_line" | field seconds)")
  done
  added=$("$build/tests/bench/bench_year" score "$dir.add")
  rm -rf "$dir.add"
  printf '%9s %6s %10s %8s %9s %8s %8s %8s %8s %8s\n' "$n" "$twice" "$(printf '%s\n' "${times[@]}" | median)" "$(echo "$line" | field peak_mb)" \
    "$(echo "$score" | field bcubed_f1)" "$(echo "$score" | field people)" "$make_s" "$(printf '%s\n' "${add_times[@]}" | median)" \
    "$(echo "$add_line" | field peak_mb)" "$(echo "$added" | field last_broadcast_joined)"
done
