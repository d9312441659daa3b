#!/usr/bin/env bash
# The plugin SDK, end to end: install castnet into a temporary prefix, build
# examples/plugin against it with find_package(castnet), and have the installed castnet load
# and run the plugin from CASTNET_PLUGIN_PATH.
#   test_sdk.sh SOURCE_DIR BUILD_DIR SHARED_DIR
set -euo pipefail
src=$1 build=$2 shared=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --install "$build" --prefix "$work/prefix" > "$work/install.log"
cmake -S "$src/examples/plugin" -B "$work/plugin" -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_BUILD_TYPE=Release > "$work/configure.log"
cmake --build "$work/plugin" > "$work/build.log"
castnet="$work/prefix/bin/castnet"
export CASTNET_PLUGIN_PATH="$work/plugin"

listing=$("$castnet" plugins)
echo "$listing" | grep -q '^  leader ' || { echo "FAIL: the installed castnet does not list the example plugin"; echo "$listing"; exit 1; }
echo "$listing" | grep -q '^  dbscan ' || { echo "FAIL: the installed castnet lost its own plugins"; exit 1; }
"$castnet" plugins show leader | grep -q 'threshold' || { echo "FAIL: leader's parameters are not shown"; exit 1; }

frames="$shared/data/frames/hamilton_360"
models=${CASTNET_MODELS:-${XDG_CACHE_HOME:-$HOME/.cache}/castnet/models}
if [ -d "$frames" ] && [ -f "$models/dlib_face_recognition_resnet_model_v1.dat" ]; then
  mkdir -p "$work/frames"
  for n in 000030 000035 000040 000048 000050; do cp "$frames/SHOW_20230313_083000_demo-$n.jpg" "$work/frames/"; done
  "$castnet" extract "$work/frames" -o "$work/out" --quiet > /dev/null
  out=$("$castnet" cluster -o "$work/out" --cluster leader:threshold=0.6)
  echo "$out" | grep -q '^cluster: 5 faces, 2 clusters, 0 noise (leader:threshold=0.6)$' || { echo "FAIL: $out"; exit 1; }
else
  echo "skipping the clustering run: ../shared frames or the dlib models are absent"
fi
echo "SDK: installed, built the example plugin out of tree, loaded and ran it"
