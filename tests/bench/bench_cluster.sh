#!/usr/bin/env bash
# Clustering a year of faces: castnet's DBSCAN (and HDBSCAN) on calibrated synthetic faces
# (castnet/eval/synthetic_faces.hpp) at growing n, beside scikit-learn's DBSCAN on the same
# points in the same run (Debian's python3-sklearn), with time, peak memory, the speed-up over
# castnet's brute force and whether the labels are identical. One process per clustering, so
# each peak memory is its own. Median of RUNS runs (default 3) for n <= 100k, one above.
#   tests/bench/bench_cluster.sh [BUILD_DIR] [SIZES]        e.g. build "20000 100000"
# SIZES defaults to "20000 100000 300000 1000000". A 1M run takes ~9 minutes on 2 cores.
set -euo pipefail
build=${1:-build}
sizes=${2:-"20000 100000 300000 1000000"}
runs=${RUNS:-3}
bench="$build/tests/bench/bench_cluster"
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
eps=0.4 min_samples=5
spec="dbscan:eps=$eps,min_samples=$min_samples,threads=2"
field() { tr ' ' '\n' | sed -n "s/^$1=//p"; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

"$bench" 2000 "$spec" --quantiles | head -1
# Brute force (every pair, as castnet did before the engine) at 20,000; its time grows with n^2.
brute=$("$bench" 20000 "dbscan:eps=$eps,min_samples=$min_samples,algorithm=brute,threads=2" | field seconds)
echo "brute force at n=20000: ${brute}s (larger n: scaled by n^2)"
printf '%8s %10s %8s %9s %12s %10s %9s\n' n castnet_s peak_mb vs_brute sklearn_s sk_peak_mb labels
for n in $sizes; do
  r=$runs; [ "$n" -gt 100000 ] && r=1
  times=() line=""
  for _ in $(seq "$r"); do
    if [ "$n" -le 100000 ]; then
      line=$("$bench" "$n" "$spec" --points "$work/points.bin" --labels "$work/castnet.txt")
    else
      line=$("$bench" "$n" "$spec")
    fi
    times+=("$(echo "$line" | field seconds)")
  done
  t=$(printf '%s\n' "${times[@]}" | median)
  peak=$(echo "$line" | field peak_mb)
  speedup=$(awk -v b="$brute" -v n="$n" -v t="$t" 'BEGIN {printf "%.0fx", b * (n / 20000) ^ 2 / t}')
  sk_t=- sk_peak=- same=-
  if [ "$n" -le 100000 ]; then
    sk=$(/usr/bin/python3 "$here/sklearn_dbscan.py" "$work/points.bin" "$eps" "$min_samples" "$work/sklearn.txt")
    sk_t=$(echo "$sk" | field sklearn_seconds) sk_peak=$(echo "$sk" | field sklearn_peak_mb)
    cmp -s "$work/castnet.txt" "$work/sklearn.txt" && same=identical || same=DIFFERENT
  fi
  printf '%8s %10s %8s %9s %12s %10s %9s\n' "$n" "$t" "$peak" "$speedup" "$sk_t" "$sk_peak" "$same"
done
# HDBSCAN at 100,000 (the hdbscan library cannot: its generic algorithm holds an n x n matrix).
if [ -z "${NO_HDBSCAN:-}" ]; then
  "$bench" 100000 "hdbscan:min_cluster_size=5,threads=2" | sed 's/^/hdbscan: /'
fi
