#pragma once
// The live status line: pages done, in flight, queued, errors, rate.
// On a terminal it redraws one line; otherwise it prints a plain line now
// and then, which reads well in CI logs and files.

#include <cstdio>
#include <string>

#include "corolab/crawler/crawler.hpp"
#include "corolab/task.hpp"

namespace corolab::crawler {

// Runs until cancelled. `label` starts each line (e.g. "crawl").
Task<void> show_progress(const Crawler* crawler, std::string label, std::FILE* out);

}  // namespace corolab::crawler
