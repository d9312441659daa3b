// Reads GEXF files with graphology-gexf (a reader independent of Gephi and networkx) and prints,
// as JSON, what the C++ test compares: counts, and every node's and edge's attributes.
//   node read_gexf.js FILE...
'use strict';
const fs = require('fs');
const Graph = require('graphology');
const gexf = require('graphology-gexf');

const out = {};
for (const file of process.argv.slice(2)) {
  const graph = gexf.parse(Graph, fs.readFileSync(file, 'utf-8'));
  const nodes = {};
  graph.forEachNode((key, attrs) => { nodes[key] = attrs; });
  const edges = [];
  graph.forEachEdge((key, attrs, source, target) => { edges.push({ source, target, ...attrs }); });
  out[file] = { order: graph.order, size: graph.size, nodes, edges };
}
process.stdout.write(JSON.stringify(out));
