// OUT/network.html: the co-occurrence network to explore. sigma.js draws the GEXF the page
// carries (read by graphology-gexf, as Gephi reads graph.gexf); castnet adds each person's
// face as a small data: image (WebGL may not read files beside a page opened from disk), the
// spells each person is on screen, and where the montages are. Faces are the nodes, their size is
// PageRank and their ring the community, as in Gephi.
import Graph from "graphology";
import { parse } from "graphology-gexf/browser";
import Sigma from "sigma";
import { createNodeImageProgram } from "@sigma/node-image";

const data = JSON.parse(document.getElementById("castnet-data").textContent);
const graph = parse(Graph, data.gexf);
// The links come as arrays beside the GEXF's nodes: graphology-gexf took 3.9 s to read a year's
// 110,000 <edge> elements, the arrays a tenth of that.
data.links.forEach(([source, target, weight, cooccurrences], i) => {
  graph.addUndirectedEdgeWithKey(String(i), String(source), String(target), { weight, cooccurrences });
});
const $ = (id) => document.getElementById(id);

graph.forEachNode((node, attrs) => {
  graph.mergeNodeAttributes(node, { thumb: data.thumbs[node], type: "image" });
});

// Which people are on screen in [from, to] (seconds on the page's time axis): a spell (its end
// exclusive, as in the dynamic GEXF) overlaps.
function onScreen(node, from, to) {
  return (data.spells[node] || []).some(([start, end]) => start <= to && end > from);
}

const state = { hovered: null, from: data.start, to: data.end };

// A year's network has a hundred thousand links: drawn all at once they are a grey ball that
// takes a software-rendered browser seconds per frame. Until a face is hovered, only the
// heaviest kMaxLinksShown are drawn (all of a hovered person's always are).
const kMaxLinksShown = 20000;
const linkFloor = (() => {
  if (graph.size <= kMaxLinksShown) return -Infinity;
  const weights = graph.mapEdges((edge, attrs) => attrs.weight || 0).sort((a, b) => b - a);
  return weights[kMaxLinksShown - 1];
})();

function neighboursOf(node) {
  return node === null ? new Set() : new Set(graph.neighbors(node));
}

const renderer = new Sigma(graph, $("graph"), {
  defaultNodeType: "image",
  nodeProgramClasses: { image: createNodeImageProgram({ imageAttribute: "thumb", keepWithinCircle: true, padding: 0.1, drawingMode: "background" }) },
  labelRenderedSizeThreshold: 14,
  nodeReducer(node, attrs) {
    const res = { ...attrs };
    if (!onScreen(node, state.from, state.to)) res.hidden = true;
    if (state.hovered !== null && node !== state.hovered && !neighboursOf(state.hovered).has(node)) {
      res.label = "";
      res.color = "#e0e0e0";
    }
    if (node === state.hovered) res.highlighted = true;
    return res;
  },
  edgeReducer(edge, attrs) {
    const res = { ...attrs, size: 1 + 4 * Math.sqrt(attrs.weight || 0) };
    if (state.hovered !== null ? !graph.extremities(edge).includes(state.hovered) : (attrs.weight || 0) < linkFloor) res.hidden = true;
    return res;
  },
});

function formatTime(seconds) {
  if (data.origin === null) {  // h:mm:ss from the start, as castnet people and the report write it
    const t = Math.max(0, Math.round(seconds));
    return `${Math.floor(t / 3600)}:${String(Math.floor(t / 60) % 60).padStart(2, "0")}:${String(t % 60).padStart(2, "0")}`;
  }
  return new Date((data.origin + seconds) * 1000).toISOString().replace(".000Z", "Z");
}

// The person's name, face montage and partners (heaviest link first) in the side panel.
function show(node) {
  const info = $("info");
  if (node === null) {
    info.innerHTML = "<p class=\"hint\">Hover a face, or search a name.</p>";
    return;
  }
  const a = graph.getNodeAttributes(node);
  const partners = graph.edges(node).map((e) => ({ who: graph.opposite(node, e), w: graph.getEdgeAttribute(e, "weight") }))
    .sort((x, y) => y.w - x.w);
  info.replaceChildren();
  const h = document.createElement("h2");
  h.id = "person-name";
  h.textContent = a.label;
  const facts = document.createElement("p");
  facts.textContent = `${a.faces} faces · PageRank ${Number(a.pageranks).toFixed(4)} · community ${a.modularity_class}`;
  const montage = document.createElement("img");
  montage.src = data.montages[node];
  montage.alt = `faces of ${a.label}`;
  const list = document.createElement("ul");
  for (const p of partners) {
    const li = document.createElement("li");
    li.textContent = `${graph.getNodeAttribute(p.who, "label")} (${graph.getEdgeAttribute(graph.edge(node, p.who), "cooccurrences")} frames)`;
    list.append(li);
  }
  const title = document.createElement("h3");
  title.textContent = partners.length ? "Seen with" : "Seen alone";
  info.append(h, facts, montage, title, list);
}

function hover(node) {
  state.hovered = node;
  show(node);
  renderer.refresh({ skipIndexation: true });
}

renderer.on("enterNode", ({ node }) => hover(node));
renderer.on("leaveNode", () => hover(null));

// The time window: two sliders over the frames' times, in steps of one frame interval.
for (const id of ["from", "to"]) {
  const s = $(id);
  s.min = data.start, s.max = data.end, s.step = data.interval;
  s.value = id === "from" ? data.start : data.end;
  s.addEventListener("input", () => {
    state.from = Math.min(Number($("from").value), Number($("to").value));
    state.to = Math.max(Number($("from").value), Number($("to").value));
    $("window").textContent = `${formatTime(state.from)} – ${formatTime(state.to)}`;
    renderer.refresh();
  });
}
$("window").textContent = `${formatTime(state.from)} – ${formatTime(state.to)}`;

// Search: the first person whose name holds the text, then hovered and centred.
const names = $("names");
graph.forEachNode((node, a) => {
  const o = document.createElement("option");
  o.value = a.label;
  names.append(o);
});
function search() {
  const q = $("search").value.trim().toLowerCase();
  if (!q) return hover(null);
  const found = graph.findNode((node, a) => String(a.label).toLowerCase().includes(q));
  if (found === undefined) {
    $("info").innerHTML = "<p class=\"hint\">Nobody by that name.</p>";
    return;
  }
  hover(found);
  const at = renderer.getNodeDisplayData(found);
  renderer.getCamera().animate({ x: at.x, y: at.y, ratio: 0.6 }, { duration: 300 });
}
$("search").addEventListener("change", search);
$("search").addEventListener("keydown", (e) => { if (e.key === "Enter") search(); });

// Every face must load: counted on the page, for people and for tests, once the graph is drawn
// and a few hundred people at a time (a year's 13,000 loads started at once held its first
// frames back by seconds).
let loaded = 0, broken = 0;
document.body.dataset.brokenImages = 0;
function countImages(nodes, from) {
  for (const node of nodes.slice(from, from + 256)) {
    for (const src of [data.thumbs[node], graph.getNodeAttribute(node, "image")]) {
      const img = new Image();
      img.onload = () => { loaded++; document.body.dataset.imagesLoaded = loaded; };
      img.onerror = () => { broken++; document.body.dataset.brokenImages = broken; };
      img.src = src;
    }
  }
  if (from + 256 < nodes.length) setTimeout(() => countImages(nodes, from + 256), 0);
}
requestAnimationFrame(() => setTimeout(() => countImages(graph.nodes(), 0), 0));
show(null);
window.castnet = { graph, renderer, hover, search };
document.body.dataset.ready = "1";
