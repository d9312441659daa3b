// The one parallel loop plugins and the host share, so that every stage honours --threads alike.
#pragma once
#include <cstddef>
#include <functional>

namespace castnet {

// Workers for a --threads or `threads` value: 0 means one per core, and more than four per core
// is capped at four per core (a thread's stacks and scratch cost memory, and past the cores they
// only wait: `--threads 1024` once took 24 GB).
int worker_count(int requested);

// Runs f(i) for i in [0, n) on `threads` workers (0: all cores), each taking `grain`
// consecutive items at a time (fewer than grain items: no extra thread). Big items want grain 1.
// An exception thrown by f stops the work and is rethrown here.
void parallel_for(std::size_t n, int threads, const std::function<void(std::size_t)>& f, std::size_t grain = 64);

}  // namespace castnet
