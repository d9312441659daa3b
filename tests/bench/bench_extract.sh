#!/usr/bin/env bash
# Speed of `castnet extract` (HOG detection + 5-point alignment + ResNet embedding) on the 60
# Hamilton frames (640x360), at --threads 1 and at all cores: median of RUNS fresh runs each, for
# the seed preset (face_recognition's pipeline) and the default (modern: + the small-face pass).
# Prints frames/s, faces/s, and the ratio to face_recognition's 0.18 s per 640x360 frame
# (measured on this machine class, serial, as the seed ran it).
#
#   tests/bench/bench_extract.sh [RUNS]        (default 5)
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
bin=${CASTNET_BIN:-$here/build/bin/castnet}
frames=${CASTNET_SHARED:-$here/../shared}/data/frames/hamilton_360
runs=${1:-5}
[ -d "$frames" ] || { echo "bench: $frames is absent" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$bin" extract "$frames" -o "$work/probe" --threads 1 2>/dev/null | grep 'built for'
n_frames=$(ls "$frames" | wc -l)
fr_seconds_per_frame=0.18

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

for preset in seed modern; do
for threads in 1 $(nproc); do
  times=()
  faces=0
  for r in $(seq "$runs"); do
    out="$work/$preset-t$threads-$r"
    line=$("$bin" extract "$frames" -o "$out" --preset "$preset" --threads "$threads" --quiet | grep '^extract: [0-9]')
    # "extract: 60 frames (0 done before), 40 faces, 0 unreadable, 2.3 s (26.00 frames/s)"
    times+=("$(echo "$line" | sed -E 's/.* ([0-9.]+) s \(.*/\1/')")
    faces=$(echo "$line" | sed -E 's/.* ([0-9]+) faces.*/\1/')
  done
  med=$(printf '%s\n' "${times[@]}" | median)
  awk -v p="$preset" -v t="$threads" -v s="$med" -v n="$n_frames" -v f="$faces" -v fr="$fr_seconds_per_frame" -v runs="$runs" 'BEGIN {
    printf "%s, threads %d: median %.2f s over %d runs: %.1f frames/s, %.1f faces/s, %.1fx face_recognition (%.2f s/frame)\n",
           p, t, s, runs, n / s, f / s, (fr * n) / s, fr }'
done
done
