#pragma once
// The demo: crawl the embedded demo site twice, one request at a time and
// then with many coroutines, and compare.

#include <cstddef>
#include <string>

#include "corolab/task.hpp"

namespace corolab::crawler {

struct DemoOptions {
  std::size_t pages = 300;
  int latency_ms = 20;
  int concurrency = 64;
  std::string out_dir = "corolab-demo";
  bool faults = true;
};

// Returns the process exit code.
Task<int> run_demo(DemoOptions options);

}  // namespace corolab::crawler
