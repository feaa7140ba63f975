#pragma once
// Small coroutines that many tests need.

#include <algorithm>
#include <cstddef>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

#include "corolab/task.hpp"
#include "corolab/yield.hpp"

namespace test_helpers {

// Awaits `task` under a stop token of its own. (Spawning the task in a
// TaskGroup would not do: a group gives each child the group's token.)
inline corolab::Task<void> under_token(corolab::Task<void> task, std::stop_token token) {
  task.set_stop_token(std::move(token));
  co_await std::move(task);
}

// Lets the other ready coroutines run `count` times.
inline corolab::Task<void> yield_times(int count) {
  for (int i = 0; i < count; ++i) co_await corolab::yield();
}

// A record of what happened, in order, for tests to compare.
using Log = std::vector<std::string>;

// Yields `yields` times, then logs "<name> done".
inline corolab::Task<void> log_after_yields(Log* log, std::string name, int yields) {
  co_await yield_times(yields);
  log->push_back(name + " done");
}

// The log with entries [first, last) sorted: the order in which one stop
// request reaches several waiters is unspecified (std::stop_callback), so
// tests compare those entries as a set.
inline Log sort_range(Log log, std::ptrdiff_t first, std::ptrdiff_t last) {
  std::sort(log.begin() + first, log.begin() + last);
  return log;
}

}  // namespace test_helpers
