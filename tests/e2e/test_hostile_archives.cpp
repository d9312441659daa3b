// The corpus's cases about ZIPs (issue 33): a member is judged by its first bytes before it is
// inflated, and two members of one name cost the archive nothing but the second.
#include "corpus_case.hpp"

namespace castnet {

namespace {

// A ZIP at `zip` of the given members (name -> a Python expression for its bytes), written by
// Python's zipfile (deflated), which allows two members of one name.
void make_zip(const fs::path& zip, const std::vector<std::pair<std::string, std::string>>& members) {
  std::string py = "import zipfile, warnings\nwarnings.simplefilter('ignore')\nz = zipfile.ZipFile(r'" + zip.string() + "', 'w', zipfile.ZIP_DEFLATED)\n";
  for (const auto& [name, bytes] : members) py += "z.writestr('" + name + "', " + bytes + ")\n";
  py += "z.close()\n";
  std::ofstream(zip.string() + ".py") << py;
  ASSERT_EQ(test::run(fmt::format("{} '{}.py'", test::python(), zip.string())), 0);
  fs::remove(zip.string() + ".py");
}

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
