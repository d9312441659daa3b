// `castnet people -o OUT`: list the people of the latest clustering, name them, merge and split
// them. Every correction is stored as a fact about faces (core/people.hpp), so it holds across
// re-clusterings; `castnet people history` lists them, `castnet people undo` takes one back.
#include <algorithm>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "castnet/core/connect.hpp"
#include "castnet/core/people.hpp"
#include "castnet/core/text.hpp"
#include "castnet/sdk/errors.hpp"
#include "session.hpp"

namespace castnet::cli {

namespace {

struct PeopleArgs {
  std::vector<int> people;
  std::vector<std::int64_t> faces;
  std::int64_t face = 0, correction = 0;
  int person = -1;
  std::string name;
};

// `net` is load_people's: it gets the appearances the timeline reads (no copy of a year's
// embeddings just to list people).
void list_people(Network net) {
  std::map<int, std::size_t> faces;
  std::map<std::int64_t, std::size_t> frame_pos;
  for (std::size_t i = 0; i < net.frames.size(); ++i) frame_pos[net.frames[i].id] = i;
  for (std::size_t i = 0; i < net.faces.size(); ++i) {
    const int p = net.labels[i];
    if (p < 0) continue;
    const std::size_t at = frame_pos.at(net.faces[i].frame_id);
    auto& seen = net.appearances[p];
    if (seen.empty() || seen.back() != at) seen.push_back(at);
    ++faces[p];
  }
  Timeline tl = timeline_of(net);
  fmt::print("{:>6}  {:<24} {:>6}  {:<22} {}\n", "person", "name", "faces", "first seen", "last seen");
  for (const auto& [p, n] : faces) {
    auto it = net.names.find(p);
    const auto& seen = net.appearances.at(p);
    fmt::print("{:>6}  {:<24} {:>6}  {:<22} {}\n", p, it == net.names.end() ? "" : terminal_text(it->second), n,
               tl.readable(tl.frame_seconds.at(seen.front())), tl.readable(tl.frame_seconds.at(seen.back())));
  }
  for (const auto& note : net.notes) fmt::print(stderr, "castnet: note: {}\n", terminal_text(note));
}

void list_faces(const Network& net, int person) {
  std::map<std::int64_t, const StoredFrame*> frame;
  for (const auto& f : net.frames) frame[f.id] = &f;
  bool any = false;
  fmt::print("{:>8}  {:<40} {}\n", "face", "frame", "box (left, top, right, bottom)");
  for (std::size_t i = 0; i < net.faces.size(); ++i) {
    if (net.labels[i] != person) continue;
    const Box& b = net.faces[i].face.box;
    fmt::print("{:>8}  {:<40} {}, {}, {}, {}\n", net.faces[i].id, terminal_text(frame.at(net.faces[i].frame_id)->name), b.left, b.top, b.right, b.bottom);
    any = true;
  }
  if (!any) throw Error(ExitCode::usage, fmt::format("There is no person {} in the latest clustering; `castnet people` lists them.", person));
}

void store_correction(const Options& o, FaceStore& store, const Correction& c) {
  std::int64_t id = store.add_correction(c);
  fmt::print("people: correction {}: {}. `castnet graph -o {}` writes the outputs with it; `castnet people undo` takes it back.\n", id,
             terminal_text(describe(c)), o.out);
}

void history(const FaceStore& store) {
  auto all = store.corrections();
  if (all.empty()) fmt::print("people: no corrections yet\n");
  for (const auto& c : all) fmt::print("{:>4}  {}  {}{}\n", c.id, c.created, terminal_text(describe(c)), c.undone ? "  (undone)" : "");
}

// The one named (0 included: it names no correction), else the latest still in force.
void undo(FaceStore& store, std::optional<std::int64_t> id) {
  const std::vector<Correction> all = store.corrections();
  const Correction* c = nullptr;
  for (const Correction& each : all)
    if (id ? each.id == *id : !each.undone) c = &each;
  if (!c) throw Error(ExitCode::usage, id ? fmt::format("There is no correction {}; `castnet people history` lists them.", *id)
                                          : std::string("There is no correction to undo."));
  if (c->undone) throw Error(ExitCode::usage, fmt::format("Correction {} is undone already.", c->id));
  store.set_undone(c->id, true);
  fmt::print("people: correction {} undone ({}).\n", c->id, terminal_text(describe(*c)));
}

}  // namespace

void add_people_command(CLI::App& app, Options& o) {
  static PeopleArgs a;
  auto* people = app.add_subcommand("people", "List, name, merge and split the people of the latest clustering; corrections are kept");
  people->add_option("-o,--out", o.out, "output folder of a run")->required();
  people->add_option("--store", o.store, "the face store, if not OUT/castnet.sqlite");
  people->fallthrough();
  people->callback([&o, people] {
    if (!people->get_subcommands().empty()) return;
    FaceStore store = open_store(o, false);
    list_people(load_people(store));
  });
  auto* faces = people->add_subcommand("faces", "List a person's faces (their ids, for split and not)");
  faces->add_option("person", a.person, "person id")->required();
  faces->callback([&o] { list_faces(load_people(open_store(o, false)), a.person); });
  auto* name = people->add_subcommand("name", "Name a person");
  name->add_option("person", a.person, "person id")->required();
  name->add_option("name", a.name, "the name (quote it)")->required();
  name->callback([&o] {
    FaceStore store = open_store(o, false);
    store_correction(o, store, name_person(load_people(store), a.person, a.name));
  });
  auto* merge = people->add_subcommand("merge", "Make two or more people one");
  merge->add_option("people", a.people, "person ids")->required()->expected(2, 1 << 20);
  merge->callback([&o] {
    FaceStore store = open_store(o, false);
    store_correction(o, store, merge_people(load_people(store), a.people));
  });
  auto* split = people->add_subcommand("split", "Split faces off a person (given, or by cutting its faces in two)");
  split->add_option("person", a.person, "person id")->required();
  split->add_option("--faces", a.faces, "the faces that leave (castnet people faces ID); none: cut in two by 2-means");
  split->callback([&o] {
    FaceStore store = open_store(o, false);
    store_correction(o, store, split_person(load_people(store), a.person, a.faces));
  });
  auto* isnt = people->add_subcommand("not", "Say that a face is not this person");
  isnt->add_option("face", a.face, "face id (castnet people faces ID)")->required();
  isnt->add_option("person", a.person, "person id")->required();
  isnt->callback([&o] {
    FaceStore store = open_store(o, false);
    store_correction(o, store, face_is_not(load_people(store), a.face, a.person));
  });
  people->add_subcommand("history", "List the corrections, undone ones too")->callback([&o] { history(open_store(o, false)); });
  auto* und = people->add_subcommand("undo", "Take back the latest correction, or the one given");
  und->add_option("correction", a.correction, "correction id (castnet people history)");
  und->callback([&o, und] {
    FaceStore store = open_store(o, false);
    undo(store, und->count("correction") ? std::optional<std::int64_t>(a.correction) : std::nullopt);
  });
}

}  // namespace castnet::cli
