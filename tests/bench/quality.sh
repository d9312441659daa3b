#!/usr/bin/env bash
# The quality table of docs/quality.md: every preset and every candidate pipeline of
# tests/bench/quality/ on three synthetic broadcasts made with `castnet synth` from
# ../shared/data/faces (easy; hard: blur 1.5, JPEG quality 25; small: blur 1, quality 30, frames
# at 0.6 scale) and on the labeled photos themselves, scored by `castnet compare`.
#
#   tests/bench/quality.sh [OUT] [FRAMES]     (default OUT: a temporary folder; FRAMES 300)
#
# Writes OUT/<set>.md (one Markdown table per set) and prints them. About 15 minutes on 2 cores.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
bin=${CASTNET_BIN:-$here/build/bin/castnet}
shared=${CASTNET_SHARED:-$here/../shared}
out=${1:-$(mktemp -d)}
frames=${2:-300}
photos=$shared/data/faces/labels.csv
[ -f "$photos" ] || { echo "quality: $photos is absent" >&2; exit 2; }
mkdir -p "$out"
threads=$(( $(nproc) < 4 ? $(nproc) : 4 ))  # the machine is shared

candidates=(--preset modern --preset seed --preset legacy)
for f in "$here"/tests/bench/quality/*.toml; do candidates+=(--pipeline "$f"); done

"$bin" synth --photos "$photos" -o "$out/easy" --frames "$frames" --seed 11
"$bin" synth --photos "$photos" -o "$out/hard" --frames "$frames" --seed 12 --blur 1.5 --jpeg-quality 25
"$bin" synth --photos "$photos" -o "$out/small" --frames "$frames" --seed 14 --blur 1 --jpeg-quality 30 --scale 0.6
for set in easy hard small; do
  "$bin" compare "$out/$set/frames" --truth "$out/$set/truth.csv" -o "$out/work-$set" --threads "$threads" \
    --markdown "$out/$set.md" "${candidates[@]}" > "$out/$set.log"
done
"$bin" compare "$shared/data/faces" -r --truth "$photos" -o "$out/work-photos" --threads "$threads" \
  --markdown "$out/photos.md" "${candidates[@]}" > "$out/photos.log"
for set in easy hard small photos; do
  echo "## $set"
  cat "$out/$set.md"
  echo
done
