#pragma once
// Small coroutines that many tests need.

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

#include "corolab/cancellation.hpp"
#include "corolab/clock.hpp"
#include "corolab/sleep.hpp"
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

inline corolab::Task<void> pause(corolab::Duration duration) {
  co_await corolab::sleep_for(duration);
}

// Sleeps for an hour unless cancelled. Cancelled, it logs "<name> tidying
// up", takes `tidying` to do it (under a stop token of its own, which the
// stop request that is already made cannot cut short), logs "<name> tidied
// up" and only then ends, with OperationCancelled: a task ends when it is
// ready to, not when it is asked to.
inline corolab::Task<int> slow_to_stop(Log* log, std::string name, corolab::Duration tidying) {
  bool cancelled = false;
  try {
    co_await corolab::sleep_for(std::chrono::hours(1));
  } catch (const corolab::OperationCancelled&) {
    cancelled = true;  // no co_await in a catch block: tidy up below
  }
  if (!cancelled) co_return 0;
  log->push_back(name + " tidying up");
  std::stop_source not_stopped;
  corolab::Task<void> tidy_up = pause(tidying);
  tidy_up.set_stop_token(not_stopped.get_token());
  co_await std::move(tidy_up);
  log->push_back(name + " tidied up");
  throw corolab::OperationCancelled();
}

// The log with entries [first, last) sorted: the order in which one stop
// request reaches several waiters is unspecified (std::stop_callback), so
// tests compare those entries as a set.
// (A log too short for the range comes back as it is: the comparison fails
// and shows it, where sorting past the end would crash.)
inline Log sort_range(Log log, std::ptrdiff_t first, std::ptrdiff_t last) {
  if (last > static_cast<std::ptrdiff_t>(log.size())) return log;
  std::sort(log.begin() + first, log.begin() + last);
  return log;
}

}  // namespace test_helpers
