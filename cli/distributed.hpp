// Extraction over many processes: MPI ranks as a task farm, or --shard I/N under any scheduler.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "castnet/core/extract.hpp"
#include "castnet/core/inputs.hpp"
#include "commands.hpp"

namespace castnet::cli {

class Session;

// The inputs k with k % N == I, for `--shard I/N` (all of them for an empty shard). Throws
// Error(usage) for a malformed shard.
std::vector<std::filesystem::path> select_shard(std::vector<std::filesystem::path> inputs, const std::string& shard);

// Under mpirun: rank 0 hands out `inputs` and merges the workers' shards into OUT's store; the
// other ranks extract what they are given. Returns, on rank 0, one sentence if some inputs could
// not be read.
std::vector<std::string> extract_distributed(const Options& o, const Session& session,
                                             const std::vector<std::filesystem::path>& inputs);

// One input, the k-th of n: opened, registered as a broadcast and extracted into `store` (unless
// an earlier run finished it and it did not change since; a moved one is followed, a changed one
// read again). An input that cannot be read adds its sentence to `failed`.
ExtractSummary extract_input(const std::filesystem::path& input, std::size_t k, std::size_t n, const Options& o,
                             const Session& session, Extractor& extractor, FaceStore& store, std::vector<std::string>& failed);

// What `store` knows of `input` for this detector and embedder, a moved input already followed
// (core's settle_input, with the source the options name), said in a line when it was.
InputCheck settle_input(const std::filesystem::path& input, const std::string& detector, const std::string& embedder,
                        const Options& o, const Session& session, FaceStore& store);

}  // namespace castnet::cli
