// Whatever file sits where the face store should be: opened, and read as graph and cluster
// read it.
#include "castnet/core/store.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto path = castnet::fuzz::scratch_file("castnet.sqlite", data, size);
  std::error_code ec;
  std::filesystem::remove(path.string() + "-wal", ec);
  std::filesystem::remove(path.string() + "-shm", ec);
  castnet::fuzz::expect_only_castnet_errors([&] {
    castnet::FaceStore store(path);
    store.broadcasts();
    store.frames();
    for (const char* key : {"detector", "embedder"})
      if (auto detector = store.meta(key)) {
        auto faces = store.faces(*detector);
        if (auto embedder = store.meta("embedder")) store.embeddings(faces, *embedder);
      }
    if (auto run = store.latest_clustering()) store.clustering(run->id, {});
  });
  return 0;
}
