#pragma once
// The journal: what an interrupted crawl leaves so `--resume` can finish it.
//
// It holds the hashes of every URL already seen (so none is fetched twice)
// and the URLs still to do (so none is lost), as one JSON document, written
// to a temporary file and renamed into place: a crash while writing never
// leaves a half journal behind.

#include <cstdint>
#include <string>
#include <vector>

#include "corolab/crawler/crawler.hpp"

namespace corolab::crawler {

struct Journal {
  std::vector<std::string> seeds;
  std::vector<std::uint64_t> seen;
  std::vector<QueuedUrl> frontier;
};

void write_journal(const std::string& path, const Journal& journal);
// Throws std::runtime_error naming the file and the problem.
Journal read_journal(const std::string& path);

}  // namespace corolab::crawler
