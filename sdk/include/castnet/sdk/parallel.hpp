// The one parallel loop plugins and the host share, so that every stage honours --threads alike.
#pragma once
#include <cstddef>
#include <functional>

namespace castnet {

// Runs f(i) for i in [0, n) on `threads` workers (0: all cores), in contiguous blocks. An
// exception thrown by f stops the work and is rethrown here.
void parallel_for(std::size_t n, int threads, const std::function<void(std::size_t)>& f);

}  // namespace castnet
