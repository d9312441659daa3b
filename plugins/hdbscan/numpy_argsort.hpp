// numpy's default argsort (kind="quicksort": introsort with median-of-3 partitions, insertion
// sort below 17 elements, heapsort past a depth limit), reproduced so that equal keys come out
// in numpy's order. hdbscan sorts its MST edges with it, and with min_samples >= 2 many edge
// weights tie (a mutual reachability equal to a core distance); which tied edge merges first
// shapes the tree. A stable sort would be the cleaner choice; matching the library is the point.
#pragma once
#include <cstddef>
#include <utility>
#include <vector>

namespace castnet::hdbscan {

// One long function on purpose: it follows numpy's npysort/quicksort.cpp line for line, and a
// port reads best beside its original.
inline std::vector<std::size_t> numpy_argsort(const std::vector<double>& v) {
  using Index = std::ptrdiff_t;
  const Index num = static_cast<Index>(v.size());
  std::vector<Index> order(v.size());
  for (Index i = 0; i < num; ++i) order[std::size_t(i)] = i;
  auto less = [&](Index a, Index b) { return v[std::size_t(a)] < v[std::size_t(b)]; };  // no NaNs here

  auto heapsort = [&](Index* tosort, Index n) {
    Index* a = tosort - 1;  // 1-based heap
    Index i, j, l, tmp;
    for (l = n >> 1; l > 0; --l) {
      tmp = a[l];
      for (i = l, j = l << 1; j <= n;) {
        if (j < n && less(a[j], a[j + 1])) j += 1;
        if (less(tmp, a[j])) a[i] = a[j], i = j, j += j;
        else break;
      }
      a[i] = tmp;
    }
    for (; n > 1;) {
      tmp = a[n];
      a[n] = a[1];
      n -= 1;
      for (i = 1, j = 2; j <= n;) {
        if (j < n && less(a[j], a[j + 1])) j++;
        if (less(tmp, a[j])) a[i] = a[j], i = j, j += j;
        else break;
      }
      a[i] = tmp;
    }
  };

  if (num < 2) return {order.begin(), order.end()};
  constexpr Index kSmall = 15;  // numpy's SMALL_QUICKSORT
  int msb = 0;
  for (Index n = num; n > 1; n >>= 1) ++msb;
  Index* pl = order.data();
  Index* pr = order.data() + num - 1;
  std::vector<Index*> stack;
  std::vector<int> depths;
  int cdepth = msb * 2;
  for (;;) {
    if (cdepth < 0) {
      heapsort(pl, pr - pl + 1);
    } else {
      while (pr - pl > kSmall) {
        Index* pm = pl + ((pr - pl) >> 1);
        if (less(*pm, *pl)) std::swap(*pm, *pl);
        if (less(*pr, *pm)) std::swap(*pr, *pm);
        if (less(*pm, *pl)) std::swap(*pm, *pl);
        Index vp = *pm;
        Index* pi = pl;
        Index* pj = pr - 1;
        std::swap(*pm, *pj);
        for (;;) {
          do ++pi; while (less(*pi, vp));
          do --pj; while (less(vp, *pj));
          if (pi >= pj) break;
          std::swap(*pi, *pj);
        }
        std::swap(*pi, *(pr - 1));
        if (pi - pl < pr - pi) {  // push the larger partition
          stack.push_back(pi + 1);
          stack.push_back(pr);
          pr = pi - 1;
        } else {
          stack.push_back(pl);
          stack.push_back(pi - 1);
          pl = pi + 1;
        }
        depths.push_back(--cdepth);
      }
      for (Index* pi = pl + 1; pi <= pr; ++pi) {  // insertion sort
        Index vi = *pi;
        Index* pj = pi;
        Index* pk = pi - 1;
        while (pj > pl && less(vi, *pk)) *pj-- = *pk--;
        *pj = vi;
      }
    }
    if (stack.empty()) break;
    pr = stack.back(), stack.pop_back();
    pl = stack.back(), stack.pop_back();
    cdepth = depths.back(), depths.pop_back();
  }
  return {order.begin(), order.end()};
}

}  // namespace castnet::hdbscan
