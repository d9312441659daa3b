// `castnet graph -o OUT`: connect the latest clustering, rank, and write every output.
#include <set>

#include <fmt/format.h>

#include "castnet/core/connect.hpp"
#include "castnet/core/extract.hpp"
#include "castnet/core/folder_lock.hpp"
#include "castnet/core/node_image.hpp"
#include "castnet/core/text.hpp"
#include "castnet/eval/gallery.hpp"
#include "castnet/sdk/errors.hpp"
#include "castnet/formats/outputs.hpp"
#include "session.hpp"

namespace castnet::cli {

namespace fs = std::filesystem;

namespace {

formats::OutputOptions output_options(const Options& o) {
  formats::OutputOptions opt;
  opt.gexf_version = o.gexf_version == "1.3" ? formats::GexfVersion::v1_3 : formats::GexfVersion::v1_2draft;
  opt.node_image = o.node_image == "largest" ? NodeImageRule::largest : NodeImageRule::best;
  opt.images.threads = o.threads;
  opt.dynamic = o.dynamic;
  opt.frame_interval = o.frame_interval;
  opt.pictures = !o.no_pictures;
  opt.report = !o.no_report;
  return opt;
}

// Every output of one network into `out`.
void write_network(const fs::path& out, Network& net, const Options& o, const Session& session) {
  formats::OutputOptions opt = output_options(o);
  FrameReader reader(session.registry(), session.context());  // crops come from the inputs, read in place
  opt.images.reader = &reader;
  // The node image is chosen on the crops as written (their sharpness), so crops come first.
  const NodeImageCandidates candidates = node_image_candidates(net, opt.node_image);
  opt.images.node_image_candidates = &candidates;
  formats::FaceCrops crops = formats::write_face_crops(out, net, opt.images);
  auto picks = choose_node_images(candidates, crops.sharpness);
  set_node_image_paths(net, picks, crops.paths);
  formats::write_outputs(out, net, crops, picks, opt);
}

}  // namespace

void gallery_step(const Options& o, const Session& session, const PipelineSpec* spec) {
  if (o.gallery.empty()) return;
  FaceStore store = open_store(o, spec != nullptr);
  StageSpec detector, embedder;
  if (spec) {
    detector = spec->detector, embedder = spec->embedder;
  } else {
    auto last = last_extraction(store);
    if (!last) throw Error(ExitCode::store, fmt::format("The face store in {} has no extraction yet; run `castnet extract` first.", o.out));
    detector = parse_stage_spec(last->detector_key), embedder = parse_stage_spec(last->embedder_key);
  }
  GalleryLoad g = embed_gallery(o.gallery, session.registry(), session.context(), detector, embedder, {&store, o.quiet, o.threads});
  for (const auto& w : g.warnings) fmt::print(stderr, "castnet: warning: {}\n", w);
  std::set<std::string> identities;
  for (const auto& f : g.faces) identities.insert(f.identity);
  store.set_gallery(session.registry().key(PluginKind::embedder, embedder), g.faces);
  store.set_meta("gallery_distance", fmt::format("{}", o.gallery_distance));
  fmt::print("gallery: {} faces of {} people from {}{}\n", g.faces.size(), identities.size(), o.gallery,
             g.remembered ? fmt::format(" ({} photos seen before, not embedded again)", g.remembered) : "");
}

void graph_step(const Options& o, const Session& session) {
  FaceStore store = open_store(o, false);
  const FolderLock writer(o.out);
  Network net = connect_people(store, session.registry(), session.context(), stages(o).edges);
  for (const auto& note : net.notes) fmt::print(stderr, "castnet: note: {}\n", note);
  write_network(o.out, net, o, session);
  fmt::print("graph: {} people, {} edges ({}); wrote {}\n", boost::num_vertices(net.graph), boost::num_edges(net.graph),
             net.edge_rule_key, (fs::path(o.out) / "graph.gexf").string());
  if (!o.per_broadcast) return;
  // A broadcast's name comes from a file name: made one safe component, and unique (two folders
  // both named `frames` are two broadcasts of one name: the later is NAME-ID).
  std::set<std::string> taken;
  for (const auto& b : store.broadcasts()) {
    Network one = connect_people(store, session.registry(), session.context(), stages(o).edges, b.id);
    std::string folder = file_name_component(b.name);
    if (!taken.insert(folder).second) taken.insert(folder = fmt::format("{}-{}", folder, b.id));
    fs::path dir = fs::path(o.out) / "broadcasts" / folder;
    fs::create_directories(dir);
    write_network(dir, one, o, session);
    fmt::print("graph: broadcast {}: {} people, {} edges; wrote {}\n", terminal_text(b.name), boost::num_vertices(one.graph),
               boost::num_edges(one.graph), (dir / "graph.gexf").string());
  }
}

void add_graph_options(CLI::App* cmd, Options& o) {
  cmd->add_option("--edges", o.edges, "edge rule plugin[:param=value,...] (default cooccurrence)");
  cmd->add_option("--gexf-version", o.gexf_version, "1.2draft (read by Gephi and networkx) or 1.3")->capture_default_str()
      ->check(CLI::IsMember({"1.2draft", "1.3"}));
  cmd->add_flag("--dynamic,!--no-dynamic", o.dynamic,
                "graph-dynamic.gexf: when each person and link is on screen, for Gephi's timeline (default on)");
  cmd->add_option("--frame-interval", o.frame_interval, "seconds between frames")->capture_default_str()->check(decimal_in(0, 86400));
  cmd->add_flag("--no-pictures", o.no_pictures, "skip graph.svg and graph.png");
  cmd->add_flag("--no-report", o.no_report, "skip report.html");
  cmd->add_flag("--per-broadcast", o.per_broadcast, "also write each broadcast's own network under OUT/broadcasts/NAME/");
  cmd->add_option("--gallery", o.gallery, "known faces that name people: a path,identity CSV or a folder of identity/*.jpg");
  cmd->add_option("--gallery-distance", o.gallery_distance, "a face matches a gallery face within this distance")->capture_default_str()
      ->check(decimal_in(0, 1e9));
  cmd->add_option("--node-image", o.node_image, "best (sharp, typical face) or largest (the seed's)")->capture_default_str()
      ->check(CLI::IsMember({"best", "largest"}));
}

void add_graph_command(CLI::App& app, Options& o) {
  auto* gr = app.add_subcommand("graph", "Connect the latest clustering, rank, and write the outputs");
  add_graph_options(gr, o);
  add_store_options(gr, o);
  gr->callback([&o] {
    Session session;
    gallery_step(o, session, nullptr);
    graph_step(o, session);
  });
}

}  // namespace castnet::cli
