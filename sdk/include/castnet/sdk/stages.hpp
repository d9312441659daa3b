// The four plugin kinds. A plugin library builds instances of these through its descriptors
// (plugin.hpp); the pipeline never knows a concrete class.
//
// Instances are used from one thread each: the pipeline builds one detector and one embedder
// per worker thread, so plugins need no locks of their own.
#pragma once
#include <string>
#include <vector>

#include <opencv2/core/mat.hpp>

#include "castnet/sdk/edge.hpp"
#include "castnet/sdk/embeddings.hpp"
#include "castnet/sdk/face.hpp"
#include "castnet/sdk/metric.hpp"

namespace castnet {

// Base of every stage, so one factory signature serves all kinds.
class Stage {
 public:
  virtual ~Stage();
};

class Detector : public Stage {
 public:
  // `rgb` is 8-bit, 3 channels, RGB order (as face_recognition loads images).
  virtual std::vector<Face> detect(const cv::Mat& rgb) = 0;
};

class Embedder : public Stage {
 public:
  virtual Metric metric() const = 0;
  // One embedding per face of one frame, in order; may fill each face's landmarks
  // (the alignment it used). Faces of a frame come as one batch.
  virtual std::vector<std::vector<float>> embed(const cv::Mat& rgb, std::vector<Face>& faces) = 0;
};

struct Clustering {
  std::vector<int> labels;            // one per embedding; -1 is noise
  std::vector<double> probabilities;   // optional membership strength, empty if the method has none
  std::vector<double> outlier_scores;  // optional (HDBSCAN's GLOSH), empty if the method has none
};

class Clusterer : public Stage {
 public:
  virtual bool supports(Metric m) const = 0;
  virtual Clustering cluster(const EmbeddingSet& x) = 0;
};

// The identities of the faces of each frame of one broadcast, in broadcast order: faceless
// frames included as empty lists, noise already removed.
using BroadcastIdentities = std::vector<std::vector<int>>;

class EdgeRule : public Stage {
 public:
  // One entry per broadcast. The last frame of one broadcast and the first of the next are not
  // consecutive: nothing joins them. Edges sorted by (a, b), counts summed over broadcasts.
  virtual std::vector<Edge> connect(const std::vector<BroadcastIdentities>& broadcasts) = 0;
};

}  // namespace castnet
