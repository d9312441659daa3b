// Person numbers that last. A researcher's notes say "person 12": after another clustering of
// the same store (other settings, more broadcasts), person 12 should still be the same person
// wherever that is still true. Numbers are matched by faces, not by order: a new cluster that
// holds most of a previous person's faces takes that person's number (if it holds most of two,
// the one it holds more of); every other cluster takes a number no person of the store has had.
// The same partition gets the same numbers; a store's first clustering is numbered from 0 by
// first face, as before.
#pragma once
#include <vector>

namespace castnet {

// previous: the previous clustering's label of each face (-1: noise, or a face it did not
// cluster); labels: the new clustering's, one per face, renumbered in place (-1 stays). first_free
// is the lowest number no person has had; returns the lowest after this clustering's.
int keep_person_numbers(const std::vector<int>& previous, std::vector<int>& labels, int first_free);

}  // namespace castnet
