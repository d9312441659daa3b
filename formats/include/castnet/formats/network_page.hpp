// network.html: the network to explore in a browser, offline. The page carries graph.gexf's
// text, which sigma.js draws (web/src/network.js, compiled into castnet): each person's face as
// the node, size by PageRank, colour by community; hovering a person shows the name, montage
// and partners; a time window keeps the people on screen in it; a search box finds a name.
#pragma once
#include <filesystem>
#include <string>

#include "castnet/core/connect.hpp"
#include "castnet/formats/output_batch.hpp"
#include "castnet/network/timeline.hpp"

namespace castnet::formats {

// Stages network.html. `gexf`: the static GEXF as written to graph.gexf. Node images must be
// staged (or written) already: their thumbnails go into the page.
void write_network_page(OutputBatch& batch, const Network& net, const Timeline& timeline, const std::string& gexf);

}  // namespace castnet::formats
