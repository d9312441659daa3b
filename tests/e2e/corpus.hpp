// What every case of the bad-input corpus checks after castnet has run: the store's rows, the
// store's integrity, and that every output in OUT still parses (CSV, GEXF, HTML, UTF-8).
#pragma once
#include <sqlite3.h>

#include <map>
#include <regex>

#include "cli.hpp"

namespace castnet::test {

// Row counts of the store's tables, and the largest face id: equal before and after a command
// that failed means it lost and added nothing.
using StoreRows = std::map<std::string, long long>;

// A copy of the store (with its journal, WAL and WAL index) opened read-write, as castnet opens
// it: a process killed while SQLite switched a new store to WAL leaves a hot rollback journal,
// which the next writer rolls back (SQLite's own recovery) but a read-only connection cannot
// (SQLITE_READONLY_ROLLBACK). A copy, so that the next command meets the store as it was left,
// not recovered or checkpointed by the test. Returns nullptr where it cannot open.
inline sqlite3* open_copy_as_castnet_does(const fs::path& store) {
  const fs::path copy = temp_dir("store_copy") / store.filename();
  for (const char* suffix : {"", "-journal", "-wal", "-shm"}) {
    fs::path from = store.string() + suffix;
    std::error_code ignored;
    if (fs::exists(from)) fs::copy_file(from, copy.string() + suffix, ignored);
  }
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(copy.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return nullptr;
  }
  sqlite3_busy_timeout(db, 10000);
  return db;
}

inline StoreRows store_rows(const fs::path& store) {
  StoreRows rows;
  if (!fs::is_regular_file(store)) return rows;
  sqlite3* db = open_copy_as_castnet_does(store);
  if (!db) return rows;
  auto scalar = [&](const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    long long v = -1;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
  };
  for (const char* table : {"frames", "faces", "embeddings", "detections", "clusterings", "labels", "broadcasts"})
    if (long long n = scalar(fmt::format("SELECT count(*) FROM {}", table)); n >= 0) rows[table] = n;
  rows["max(faces.id)"] = scalar("SELECT max(id) FROM faces");
  sqlite3_close(db);
  return rows;
}

// "ok", or what SQLite says is wrong (its extended code and message, not a guess).
inline std::string integrity(const fs::path& store) {
  sqlite3* db = open_copy_as_castnet_does(store);
  if (!db) return "cannot open";
  std::string result;
  sqlite3_stmt* st = nullptr;
  int rc = sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, nullptr);
  if (rc == SQLITE_OK) rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) result = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  else result = fmt::format("sqlite error {}: {}", sqlite3_extended_errcode(db), sqlite3_errmsg(db));
  sqlite3_finalize(st);
  sqlite3_close(db);
  return result;
}

inline bool is_utf8(const std::string& s) {
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (!len || i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k)
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return false;
    i += len;
  }
  return true;
}

// RFC 4180: every record has as many fields as the header. With `refuse_formulas`, no field may
// begin (inside its quotes or not) as a spreadsheet formula does: = + - @. Returns what is wrong,
// or "".
inline std::string csv_problem(const std::string& text, bool refuse_formulas = false) {
  if (!is_utf8(text)) return "not UTF-8";
  std::vector<std::size_t> widths;
  std::size_t fields = 1;
  bool quoted = false, field_start = true;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (refuse_formulas && field_start && std::string("=+-@").find(c) != std::string::npos) return fmt::format("a formula at byte {}", i);
    field_start = false;
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') ++i;
      else if (c == '"') quoted = false;
    } else if (c == '"') {
      quoted = true, field_start = i == 0 || text[i - 1] == ',' || text[i - 1] == '\n';
    } else if (c == ',') {
      ++fields, field_start = true;
    } else if (c == '\n') {
      widths.push_back(fields), fields = 1, field_start = true;
    }
  }
  if (quoted) return "an unclosed quote";
  for (std::size_t w : widths)
    if (w != widths.front()) return fmt::format("a record of {} fields under a header of {}", w, widths.front());
  return "";
}

// xmllint's HTML parser knows HTML 4: HTML 5's elements are not faults of ours.
inline std::string html_problem(const fs::path& file) {
  std::string log;
  run(fmt::format("xmllint --html --noout '{}'", file.string()), &log);
  static const std::regex html5(R"(Tag (figure|figcaption|section|main|header|footer|nav|canvas|svg|article|aside|time|datalist) invalid)");
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);)
    if (line.find("error") != std::string::npos && !std::regex_search(line, html5)) return line;
  return is_utf8(slurp(file)) ? "" : "not UTF-8";
}

// Time runs forward: no spell ends before it starts, no timeline bar starts before the broadcast.
inline std::string time_problem(const fs::path& file) {
  const std::string text = slurp(file);
  static const std::regex spell(R"re(start="([^"]*)" end="([^"]*)")re");
  const std::sregex_iterator none;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), spell); it != none; ++it) {
    std::string a = (*it)[1], b = (*it)[2];
    bool numbers = a.find('-') == std::string::npos;
    if (numbers ? std::stod(a) > std::stod(b) : a > b) return "a spell ends before it starts: " + it->str();
  }
  static const std::regex bar(R"(left:(-?[0-9.]+)%;width:([0-9.]+)%)");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), bar); it != none; ++it)
    if (std::stod((*it)[1]) < 0 || std::stod((*it)[1]) + std::stod((*it)[2]) > 100.01) return "a timeline bar outside the broadcast: " + it->str();
  return "";
}

// Every output in OUT parses; none is left half-written.
inline std::vector<std::string> output_problems(const fs::path& out, bool check_store = true) {
  std::vector<std::string> problems;
  if (!fs::is_directory(out)) return problems;
  for (const auto& e : fs::recursive_directory_iterator(out)) {
    const fs::path& p = e.path();
    std::string ext = p.extension().string();
    if (!e.is_regular_file()) continue;
    if (ext == ".part") problems.push_back(p.string() + " is left half-written");
    if ((ext == ".gexf" || ext == ".svg") && run(fmt::format("xmllint --noout '{}'", p.string())) != 0) problems.push_back(p.string() + " is not XML");
    if (ext == ".csv")  // nodes.csv carries names: no formula (faces.csv's boxes may be negative numbers)
      if (auto why = csv_problem(slurp(p), p.filename() == "nodes.csv"); !why.empty()) problems.push_back(p.string() + ": " + why);
    if (ext == ".html")
      if (auto why = html_problem(p); !why.empty()) problems.push_back(p.string() + ": " + why);
    if (ext == ".html" || ext == ".gexf")
      if (auto why = time_problem(p); !why.empty()) problems.push_back(p.string() + ": " + why);
  }
  if (check_store && fs::is_regular_file(out / "castnet.sqlite") && integrity(out / "castnet.sqlite") != "ok")
    problems.push_back("the store fails PRAGMA integrity_check: " + integrity(out / "castnet.sqlite"));
  return problems;
}

// A finished run of three frames, made once per build of castnet and shared by the corpus's
// processes.
inline fs::path golden_run(const fs::path& frames_dir) {
  fs::path dir;
  made_once_per_build("corpus_golden", [&](const fs::path& d) {
    fs::remove_all(d / "frames");
    fs::remove_all(d / "out");
    fs::create_directories(d / "frames");
    for (int n : {1, 2, 3})
      fs::copy_file(frames_dir / fmt::format("SHOW_20230313_083000_demo-{:06d}.jpg", n), d / fmt::format("frames/SHOW-{:06d}.jpg", n));
    return castnet_cli(fmt::format("run {0}/frames -o {0}/out --quiet --cluster dbscan:min_samples=1", d.string()));
  }, dir);
  return dir;
}

}  // namespace castnet::test
