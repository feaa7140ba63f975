#pragma once
// The demo: crawl the embedded demo site twice, one request at a time and
// then with many coroutines, and compare. With workers: several processes
// share one crawl of it in a redis-server of the demo's own.

#include <cstddef>
#include <string>

#include "corolab/demo_site/site_options.hpp"
#include "corolab/task.hpp"

namespace corolab::crawler {

struct DemoOptions {
  std::size_t pages = 300;
  int latency_ms = 20;
  int concurrency = 64;
  std::string out_dir = "corolab-demo";
  bool faults = true;
  int workers = 0;   // --workers: that many worker processes share the crawl (0: no Redis)
  std::string self;  // this program, to run as the workers
};

// The demo site both demos serve: its size, latency and faults.
demo_site::SiteOptions demo_site_options(const DemoOptions& options);

// The link graph `dot` drawn as `svg`, if graphviz is installed (else a
// line saying so).
void render_svg_if_possible(const std::string& dot, const std::string& svg);

// Returns the process exit code.
Task<int> run_demo(DemoOptions options);

// The workers' demo (shared_demo.cpp). Exit code 2 if redis-server is not
// installed.
Task<int> run_shared_demo(DemoOptions options);

}  // namespace corolab::crawler
