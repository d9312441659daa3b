// The face store's schema, and the upgrade of a store an earlier castnet wrote. Private to the
// store.
#pragma once
#include <filesystem>

struct sqlite3;

namespace castnet::detail {

// Creates the tables of a new store, or upgrades one of schema version 2 (castnet 0.1: one
// folder of frames, no broadcasts) in place. Throws Error(store) for a file that is not a
// castnet store or comes from a newer castnet.
void create_or_upgrade(sqlite3* db, const std::filesystem::path& path);

}  // namespace castnet::detail
