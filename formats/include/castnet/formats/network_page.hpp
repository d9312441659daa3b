// network.html: the network to explore in a browser, offline. The page carries graph.gexf's
// text, which sigma.js draws (web/src/network.js, compiled into castnet): each person's face as
// the node, size by PageRank, colour by community; hovering a person shows the name, montage
// and partners; a time window keeps the people on screen in it; a search box finds a name.
#pragma once
#include <filesystem>
#include <string>

#include "castnet/core/connect.hpp"
#include "castnet/network/timeline.hpp"

namespace castnet::formats {

// `gexf`: the static GEXF as written to graph.gexf. Node images and montages must be written.
void write_network_page(const std::filesystem::path& out, const Network& net, const Timeline& timeline, const std::string& gexf);

}  // namespace castnet::formats
