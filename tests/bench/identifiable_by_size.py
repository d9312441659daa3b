#!/usr/bin/python3
"""How well ResNet's embeddings name a face, by the face's width: for each face a run found on a
synthetic broadcast, do its five nearest faces of 60 px and up (leave-one-out) name its person?
docs/quality.md quotes it for the hard broadcast.

    tests/bench/identifiable_by_size.py WORK/castnet.sqlite TRUTH.csv [DETECTOR [EMBEDDER]]

Debian's python3 (numpy comes with python3-sklearn, which scripts/setup installs).

WORK is a `castnet compare` or `castnet run` output folder; TRUTH is `castnet synth`'s truth.csv;
DETECTOR and EMBEDDER are the stages' keys in the store (default: the default pipeline's).
A face's person is the truth region its centre lies in (as `castnet eval` places it).
"""
import collections
import csv
import sqlite3
import sys

import numpy as np

store, truth_file = sys.argv[1], sys.argv[2]
detector = sys.argv[3] if len(sys.argv) > 3 else "dlib-hog:small_faces=true,upsample=0"
embedder = sys.argv[4] if len(sys.argv) > 4 else "dlib-resnet:padding=0.25"
regions = collections.defaultdict(list)
for t in csv.DictReader(open(truth_file)):
    regions[t["frame"]].append((int(t["left"]), int(t["top"]), int(t["right"]), int(t["bottom"]), t["identity"]))
rows = sqlite3.connect(store).execute(
    "select fr.name, f.left, f.top, f.right, f.bottom, e.vec from faces f"
    " join frames fr on fr.id = f.frame_id join embeddings e on e.face_id = f.id"
    " where f.detector = ? and e.embedder = ?", (detector, embedder)).fetchall()
width, vecs, person = [], [], []
for name, l, t, r, b, vec in rows:
    x, y = (l + r) / 2, (t + b) / 2
    who = [p for (L, T, R, B, p) in regions[name] if L <= x <= R and T <= y <= B]
    if not who:
        continue  # a face in no region (b-roll, a false detection): no person to name
    width.append(r - l), vecs.append(np.frombuffer(vec, dtype=np.float32)), person.append(who[-1])
width, vecs, person = np.array(width), np.array(vecs), np.array(person)
reference = width >= 60
for lo, hi in ((0, 40), (40, 60), (60, 1 << 30)):
    faces = np.where((width >= lo) & (width < hi))[0]
    right = 0
    for i in faces:
        others = reference.copy()
        others[i] = False
        nearest = np.argsort(np.linalg.norm(vecs[others] - vecs[i], axis=1))[:5]
        right += collections.Counter(person[others][nearest]).most_common(1)[0][0] == person[i]
    label = f"{lo}-{hi} px" if hi < (1 << 30) else f"{lo} px and up"
    print(f"{label}: {len(faces)} faces, named right by their 5 nearest faces of 60 px and up: {right}/{len(faces)}")
