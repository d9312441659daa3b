#!/usr/bin/env bash
# Frames/s of `castnet extract` from a ZIP (read in place) against the same frames as files:
# the 60 Hamilton frames (640x360), median of RUNS fresh runs each, the two interleaved so that
# the shared machine's noise falls on both alike. Expected: equal within noise (the ZIP is
# read by one thread while the workers detect and embed).
#
#   tests/bench/bench_zip.sh [RUNS] [THREADS]     (default 5 runs, all cores)
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
bin=${CASTNET_BIN:-$here/build/bin/castnet}
frames=${CASTNET_SHARED:-$here/../shared}/data/frames/hamilton_360
runs=${1:-5}
threads=${2:-0}
[ -d "$frames" ] || { echo "bench: $frames is absent" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 - "$frames" "$work/SHOW_20230313_083000_demo.zip" <<'PY'
import os, sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as z:
    for name in sorted(os.listdir(src)):
        z.write(os.path.join(src, name), name)
PY

seconds() {  # castnet extract INPUT: the wall time it reports for its frames
  rm -rf "$work/out"
  "$bin" extract "$1" -o "$work/out" --quiet --threads "$threads" | sed -n 's/^extract: .* \([0-9.]*\) s (.*/\1/p' | tail -1
}
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

: > "$work/folder.txt"; : > "$work/zip.txt"
for _ in $(seq "$runs"); do
  seconds "$frames" >> "$work/folder.txt"
  seconds "$work/SHOW_20230313_083000_demo.zip" >> "$work/zip.txt"
done
n=$(ls "$frames" | wc -l)
f=$(median < "$work/folder.txt"); z=$(median < "$work/zip.txt")
awk -v n="$n" -v f="$f" -v z="$z" -v r="$runs" 'BEGIN {
  printf "folder: median %.2f s over %d runs, %.1f frames/s\n", f, r, n / f
  printf "zip:    median %.2f s over %d runs, %.1f frames/s\n", z, r, n / z
  printf "zip / folder time: %.3f\n", z / f }'
