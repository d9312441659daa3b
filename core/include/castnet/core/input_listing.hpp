// What an input looks like on disk, read without opening a frame: its files' names, sizes and
// modification times, kept as two digests when a broadcast is extracted. A later run compares
// them to decide, in the time of a directory listing, whether a finished broadcast must be read
// again (something changed) and whether a new input is a stored broadcast that moved.
#pragma once
#include <filesystem>
#include <string>

namespace castnet {

struct InputListing {
  std::string state;  // names, sizes, times: a frame added, replaced, removed or touched changes it
  std::string shape;  // names and sizes, relative to the input: what a folder moved elsewhere keeps
};

// A folder: every regular file under it (subfolders too, since -r reads them), except those under
// `outputs` (castnet's own output folder, where it lies inside). A file (ZIP, video): the file.
// Files that vanish while listed are left out; an input that cannot be listed gives empty digests.
InputListing list_input(const std::filesystem::path& input, const std::filesystem::path& outputs = {});

}  // namespace castnet
