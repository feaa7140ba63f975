#pragma once
// The journal: what an interrupted crawl leaves so `--resume` can finish it.
//
// It holds the crawl's options (so a resume crawls the same way), the
// hashes of every URL already seen (so none is fetched twice), the URLs
// still to do (so none is lost), the budget already spent (--max-pages,
// --max-time) and what the reports have collected (so they describe the
// whole crawl). One JSON document, written to a temporary file and renamed
// into place: a crash while writing never leaves a half journal behind.
// A finished crawl marks its journal finished: resuming it does nothing.

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "corolab/clock.hpp"
#include "corolab/crawler/crawler.hpp"
#include "corolab/crawler/reports.hpp"

namespace corolab::crawler {

// The command line, option by option: "--max-depth" -> {"1"}, "urls" -> the
// seeds. The journal keeps it as given; main.cpp gives it its meaning.
using CommandLineOptions = std::map<std::string, std::vector<std::string>>;

struct Journal {
  CommandLineOptions options;
  bool finished = false;  // nothing left: a resume has nothing to do
  std::vector<std::uint64_t> seen;
  std::vector<QueuedUrl> frontier;
  std::size_t pages_requested = 0;  // so far, for --max-pages
  Duration elapsed{0};              // so far, for --max-time
  CollectedReports reports;
};

void write_journal(const std::string& path, const Journal& journal);
// Throws std::runtime_error naming the file and the problem.
Journal read_journal(const std::string& path);
// If there is a journal at `path`, it becomes a finished one: only the
// options stay, and resuming it does nothing. ("" or no file: nothing to do.)
void mark_journal_finished(const std::string& path, const CommandLineOptions& options);

}  // namespace corolab::crawler
