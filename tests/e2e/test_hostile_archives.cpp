// The corpus's cases about ZIPs (issue 33): a member is judged by its first bytes before it is
// inflated, and two members of one name cost the archive nothing but the second.
#include "corpus_case.hpp"

namespace castnet {

namespace {

std::string frame_bytes(int n) { return fmt::format("open(r'{}', 'rb').read()", hamilton(n).string()); }

}  // namespace

std::vector<Case> archive_cases() {
  return {
      Case{"ZipMemberOfZerosIsRefusedByItsHeader", [](const fs::path& dir) {
             make_zip(dir / "SHOW_20230313_083000_z.zip", {{"SHOW_20230313_083000_z-000001.jpg", frame_bytes(1)},
                                                           {"SHOW_20230313_083000_z-000002.jpg", frame_bytes(2)},
                                                           {"SHOW_20230313_083000_z-000003.jpg", "bytes(100 * 2**20)"}});
             return run_into(dir / "SHOW_20230313_083000_z.zip", dir);
           }, 0, "is unreadable (not an image (it begins with no JPEG, PNG, BMP or WebP header))"},
      Case{"ZipWithTwoMembersOfOneName", [](const fs::path& dir) {
             make_zip(dir / "SHOW_20230313_083000_d.zip", {{"SHOW_20230313_083000_d-000001.jpg", frame_bytes(1)},
                                                           {"SHOW_20230313_083000_d-000002.jpg", frame_bytes(2)},
                                                           {"SHOW_20230313_083000_d-000002.jpg", "b'not this one'"}});
             return run_into(dir / "SHOW_20230313_083000_d.zip", dir);
           }, 0, "two members are named SHOW_20230313_083000_d-000002.jpg; the first is read", false, "", [](const fs::path& dir) {
             EXPECT_EQ(test::read_csv(dir / "out/faces.csv").rows.size(), 4u) << "both frames, two faces each";
           }},
  };
}

}  // namespace castnet
