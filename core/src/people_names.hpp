// Naming people: by the names users gave their faces, else from a gallery of known faces, only on
// clear evidence (docs/people.md, "Names that never go to a stranger").
#pragma once
#include <string>
#include <vector>

#include "castnet/core/people.hpp"

namespace castnet::detail {

// `given`: the latest name a user gave each face (parallel to labels; empty for none).
void name_people(const PeopleInput& in, const std::vector<std::string>& given, const std::vector<int>& labels, People& out);

}  // namespace castnet::detail
