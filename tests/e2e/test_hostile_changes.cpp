// The corpus's cases about inputs that change or move after they were extracted (issue 33,
// findings 3 and 4): a finished broadcast is read again when its listing changed, and whatever
// happened to its frames, the store ends as a fresh extraction of the input as it now is; an
// input moved elsewhere is followed, its frames not stored twice.
#include <chrono>

#include "corpus_case.hpp"

namespace castnet {

namespace {

// The store in dir/out holds what a fresh run over `input` would: the same frames, faces and
// embeddings, one broadcast.
void like_a_fresh_run(const fs::path& dir, const fs::path& input) {
  auto fresh = test::castnet_cli(run_into(input, dir / "fresh"));
  ASSERT_EQ(fresh.code, 0) << fresh.output;
  const test::StoreRows got = test::store_rows(dir / "out/castnet.sqlite"), want = test::store_rows(dir / "fresh/out/castnet.sqlite");
  for (const char* table : {"frames", "faces", "embeddings", "detections", "broadcasts"}) EXPECT_EQ(got.at(table), want.at(table)) << table;
  fs::remove_all(dir / "fresh");
}

std::string first_text(const fs::path& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  std::string out;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
      out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  return out;
}

// Frames in dir/frames, extracted into dir/out; then `change` is done to the folder and the run
// repeated.
Case changed_folder(const std::string& name, std::function<void(const fs::path&)> change, const std::string& says) {
  return {name, [=](const fs::path& dir) {
            good_frames(dir / "frames", 3);
            EXPECT_EQ(test::castnet_cli(run_into(dir / "frames", dir)).code, 0);
            change(dir / "frames");
            return run_into(dir / "frames", dir);
          },
          0, says, false, "", [](const fs::path& dir) { like_a_fresh_run(dir, dir / "frames"); }};
}

}  // namespace

std::vector<Case> changed_input_cases() {
  return {
      changed_folder("FrameAddedToAFinishedFolder", [](auto frames) { fs::copy_file(hamilton(4), frames / "SHOW-000004.jpg"); },
                     "changed since it was extracted; frames new: 1, replaced: 0, removed: 0"),
      changed_folder("FrameReplacedUnderItsName", [](auto frames) {
                       fs::copy_file(hamilton(20), frames / "SHOW-000002.jpg", fs::copy_options::overwrite_existing);
                     }, "changed since it was extracted; frames new: 0, replaced: 1, removed: 0"),
      changed_folder("FrameRemovedFromAFinishedFolder", [](auto frames) { fs::remove(frames / "SHOW-000002.jpg"); },
                     "changed since it was extracted; frames new: 0, replaced: 0, removed: 1"),
      changed_folder("FramesTouchedOnly", [](auto frames) {
                       for (const auto& e : fs::directory_iterator(frames))
                         fs::last_write_time(e.path(), fs::last_write_time(e.path()) + std::chrono::hours(1));
                     }, "was read again (its files' times changed): every frame is as it was"),
      // A frame read before that its source cannot read now (here: grown past what a frame can be)
      // keeps what was found in it, and the folder is read again next time.
      Case{"AFrameUnreadableNowKeepsWhatWasFoundInIt", [](const fs::path& dir) {
             good_frames(dir / "frames", 3);
             EXPECT_EQ(test::castnet_cli(run_into(dir / "frames", dir)).code, 0);
             fs::rename(dir / "frames/SHOW-000002.jpg", dir / "SHOW-000002.jpg");
             write(dir / "frames/SHOW-000002.jpg", "");
             fs::resize_file(dir / "frames/SHOW-000002.jpg", 1ull << 30);  // sparse: more than a frame can be
             return run_into(dir / "frames", dir);
           }, 0, "frame SHOW-000002.jpg cannot be read now (1073741824 bytes, more than a frame can be); what was found in it before is kept",
           false, "", [](const fs::path& dir) {
             EXPECT_EQ(test::store_rows(dir / "out/castnet.sqlite").at("faces"), 6) << "three frames, two faces each, kept";
             fs::remove(dir / "frames/SHOW-000002.jpg");
             fs::rename(dir / "SHOW-000002.jpg", dir / "frames/SHOW-000002.jpg");  // back: read again, as it was
             auto again = test::castnet_cli(run_into(dir / "frames", dir));
             EXPECT_NE(again.output.find("every frame is as it was"), std::string::npos) << again.output;
             like_a_fresh_run(dir, dir / "frames");
           }},
      // A frame replaced, then another embedder: it must not embed the old picture's faces on the
      // new one, and the first embedder, run again, finds the frame changed for it too.
      Case{"FrameReplacedThenAnotherEmbedder", [](const fs::path& dir) {
             good_frames(dir / "frames", 3);
             EXPECT_EQ(test::castnet_cli(run_into(dir / "frames", dir)).code, 0);
             fs::copy_file(hamilton(20), dir / "frames/SHOW-000002.jpg", fs::copy_options::overwrite_existing);
             EXPECT_EQ(test::castnet_cli(fmt::format("extract '{0}/frames' -o '{0}/out' --quiet --embedder phash", dir.string())).code, 0);
             return run_into(dir / "frames", dir);
           }, 0, "extract: 3 frames (2 done before)", false, "", [](const fs::path& dir) {
             auto fresh = test::castnet_cli(run_into(dir / "frames", dir / "fresh"));
             ASSERT_EQ(fresh.code, 0) << fresh.output;
             const auto got = test::store_rows(dir / "out/castnet.sqlite"), want = test::store_rows(dir / "fresh/out/castnet.sqlite");
             EXPECT_EQ(got.at("faces"), want.at("faces")) << "the new picture's faces, not the old one's";
             EXPECT_EQ(got.at("embeddings"), 2 * want.at("embeddings")) << "each face embedded by both embedders";
           }},
      Case{"FramesMovedToAnotherFolder", [](const fs::path& dir) {
             good_frames(dir / "frames", 3);
             EXPECT_EQ(test::castnet_cli(run_into(dir / "frames", dir)).code, 0);
             fs::rename(dir / "frames", dir / "moved");
             return run_into(dir / "moved", dir);
           }, 0, "moved there: they are followed, not extracted again", false, "", [](const fs::path& dir) {
             like_a_fresh_run(dir, dir / "moved");
             EXPECT_EQ(test::read_csv(dir / "out/faces.csv").rows.size(), 6u) << "three frames, two faces each, once";
           }},
      Case{"ZipMovedAndRenamed", [](const fs::path& dir) {
             fs::create_directories(dir / "a");
             make_zip(dir / "a/SHOW_20230313_083000_z.zip", {{"SHOW_20230313_083000_z-000001.jpg", fmt::format("open(r'{}', 'rb').read()", hamilton(1).string())},
                                                             {"SHOW_20230313_083000_z-000002.jpg", fmt::format("open(r'{}', 'rb').read()", hamilton(2).string())}});
             EXPECT_EQ(test::castnet_cli(run_into(dir / "a/SHOW_20230313_083000_z.zip", dir)).code, 0);
             fs::create_directories(dir / "Новости");  // a path SQLite counts in characters, not bytes
             fs::rename(dir / "a/SHOW_20230313_083000_z.zip", dir / "Новости/SHOW_20230314_083000_z.zip");
             return run_into(dir / "Новости/SHOW_20230314_083000_z.zip", dir);
           }, 0, "moved there: they are followed, not extracted again", false, "", [](const fs::path& dir) {
             like_a_fresh_run(dir, dir / "Новости/SHOW_20230314_083000_z.zip");
             EXPECT_EQ(first_text(dir / "out/castnet.sqlite", "SELECT count(*) FROM frames WHERE location LIKE '%Новости/SHOW_20230314%'"), "2")
                 << "every frame followed";
             EXPECT_EQ(first_text(dir / "out/castnet.sqlite", "SELECT name || ' ' || start FROM broadcasts"),
                       "SHOW_20230314_083000_z 1678782600") << "named and dated as it now is";
           }},
  };
}

}  // namespace castnet
