#!/usr/bin/env bash
# Extraction spread over MPI ranks against threads in one process: 4 broadcasts (ZIPs of 15
# Hamilton frames each), median of RUNS runs of
#   1 worker rank  (mpirun -np 2: rank 0 hands out work, rank 1 extracts, --threads 1)
#   2 worker ranks (mpirun -np 3, --threads 1 each)
#   1 process, --threads 1 and --threads 2 (no MPI)
# Prints frames/s and the ratios: 2 ranks / 1 rank (expect ~1.6-2x on 2 cores), and the
# per-rank overhead of MPI against threads (2 ranks / 2 threads).
#
#   tests/bench/bench_mpi.sh [RUNS]      (default 3)
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
bin=${CASTNET_BIN:-$here/build/bin/castnet}
frames=${CASTNET_SHARED:-$here/../shared}/data/frames/hamilton_360
runs=${1:-3}
command -v mpirun > /dev/null || { echo "bench: mpirun is absent (scripts/setup installs OpenMPI)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

python3 - "$frames" "$work" <<'PY'
import sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
for b in range(4):
    name = f"SHOW{b}_20230313_0{8 + b}0000_demo"
    with zipfile.ZipFile(f"{dst}/{name}.zip", "w") as z:
        for n in range(1 + 15 * b, 16 + 15 * b):
            z.write(f"{src}/SHOW_20230313_083000_demo-{n:06d}.jpg", f"{name}-{n:06d}.jpg")
PY

wall() {  # the command's wall time in seconds
  local t0 t1
  rm -rf "$work/out"
  t0=$(date +%s.%N)
  "$@" > /dev/null 2>&1
  t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}'
}
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

for _ in $(seq "$runs"); do
  wall mpirun --oversubscribe -np 2 "$bin" extract "$work"/*.zip -o "$work/out" --quiet --threads 1 >> "$work/r1"
  wall mpirun --oversubscribe -np 3 "$bin" extract "$work"/*.zip -o "$work/out" --quiet --threads 1 >> "$work/r2"
  wall "$bin" extract "$work"/*.zip -o "$work/out" --quiet --threads 1 >> "$work/t1"
  wall "$bin" extract "$work"/*.zip -o "$work/out" --quiet --threads 2 >> "$work/t2"
done
r1=$(median < "$work/r1"); r2=$(median < "$work/r2"); t1=$(median < "$work/t1"); t2=$(median < "$work/t2")
awk -v r1="$r1" -v r2="$r2" -v t1="$t1" -v t2="$t2" -v runs="$runs" 'BEGIN {
  n = 60
  printf "median of %d runs, 60 frames in 4 broadcasts, wall time including start-up and the merge\n", runs
  printf "  1 worker rank:  %.2f s  %.1f frames/s\n", r1, n / r1
  printf "  2 worker ranks: %.2f s  %.1f frames/s  (%.2fx of 1 rank)\n", r2, n / r2, r1 / r2
  printf "  1 thread:       %.2f s  %.1f frames/s\n", t1, n / t1
  printf "  2 threads:      %.2f s  %.1f frames/s  (%.2fx of 1 thread)\n", t2, n / t2, t1 / t2
  printf "  MPI overhead: 1 rank / 1 thread %.3f, 2 ranks / 2 threads %.3f\n", r1 / t1, r2 / t2 }'
