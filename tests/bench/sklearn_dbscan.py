"""scikit-learn's DBSCAN on the points bench_cluster wrote, timed the same way, for bench_cluster.sh.

usage: sklearn_dbscan.py POINTS EPS MIN_SAMPLES LABELS_OUT
Prints one line: sklearn_seconds=... sklearn_peak_mb=...
"""
import resource
import sys
import time

import numpy as np
from sklearn.cluster import DBSCAN

points, eps, min_samples, labels_out = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
X = np.fromfile(points).reshape(-1, 128)
start = time.perf_counter()
labels = DBSCAN(eps=eps, min_samples=min_samples).fit(X).labels_
seconds = time.perf_counter() - start
np.savetxt(labels_out, labels, fmt="%d")
print("sklearn_seconds=%.3f sklearn_peak_mb=%.0f" % (seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))
