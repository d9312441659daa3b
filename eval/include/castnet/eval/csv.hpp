// Reading the CSV files users hand us (labels, truth): RFC 4180 fields, quotes and all.
#pragma once
#include <string>
#include <vector>

namespace castnet {

std::vector<std::string> split_csv_line(const std::string& line);

// Index of a header column, or -1.
int csv_column(const std::vector<std::string>& header, const std::string& name);

}  // namespace castnet
