// Person numbers that last across clusterings: matched by faces, never reused.
#include <gtest/gtest.h>

#include "castnet/core/person_numbers.hpp"

namespace castnet {
namespace {

TEST(PersonNumbers, TheFirstClusteringIsNumberedByFirstFace) {
  std::vector<int> labels = {5, 5, -1, 2, 9, 2};
  EXPECT_EQ(keep_person_numbers(std::vector<int>(6, -1), labels, 0), 3);
  EXPECT_EQ(labels, (std::vector<int>{0, 0, -1, 1, 2, 1}));
}

TEST(PersonNumbers, TheSamePartitionKeepsItsNumbersWhateverTheClustererCallsThem) {
  std::vector<int> previous = {7, 7, 3, 3, -1, 12};
  std::vector<int> labels = {0, 0, 1, 1, -1, 2};
  EXPECT_EQ(keep_person_numbers(previous, labels, 13), 13);
  EXPECT_EQ(labels, previous);
}

TEST(PersonNumbers, APersonWhoKeepsMostOfTheirFacesKeepsTheNumber) {
  // Person 4 (five faces) loses one face to a new person; person 8 (four faces) is cut in halves,
  // so neither half holds most of them and both take new numbers; person 2 joins person 4's rest.
  std::vector<int> previous = {4, 4, 4, 4, 4, 8, 8, 8, 8, 2};
  std::vector<int> labels = {0, 0, 0, 0, 1, 2, 2, 3, 3, 0};
  EXPECT_EQ(keep_person_numbers(previous, labels, 9), 12);
  EXPECT_EQ(labels, (std::vector<int>{4, 4, 4, 4, 9, 10, 10, 11, 11, 4}));
}

TEST(PersonNumbers, AMergeOfTwoPeopleKeepsTheLargerOnesNumber) {
  std::vector<int> previous = {1, 1, 1, 6, 6, -1};
  std::vector<int> labels = {0, 0, 0, 0, 0, 0};
  keep_person_numbers(previous, labels, 7);
  EXPECT_EQ(labels, std::vector<int>(6, 1));
}

}  // namespace
}  // namespace castnet
