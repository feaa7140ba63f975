#pragma once
// The lost update: a race that only some interleavings show. Used by
// tests/virtual_time.cpp (exploring schedule seeds finds it, a seed replays
// it) and by lesson 16's stage program.

#include "corolab/event_loop.hpp"
#include "corolab/sleep.hpp"
#include "corolab/task.hpp"
#include "corolab/yield.hpp"

namespace lost_update {

using corolab::EventLoop;
using corolab::Task;
using namespace std::chrono_literals;

// #region lost_update
// Two workers increment a shared counter. The first reads, yields, then
// writes what it read plus one; the second yields first, then reads and
// writes at once. Whether an update is lost depends only on which of the two
// runs first after the yields: FIFO order happens to be the lucky one.
// #region lost_update_workers
inline Task<void> read_yield_write(int* counter) {
  const int seen = *counter;
  co_await corolab::yield();
  *counter = seen + 1;
}

inline Task<void> yield_read_write(int* counter) {
  co_await corolab::yield();
  *counter = *counter + 1;
}
// #endregion lost_update_workers

inline Task<int> two_increments() {
  int counter = 0;
  EventLoop& loop = EventLoop::current();
  loop.spawn(read_yield_write(&counter));
  loop.spawn(yield_read_write(&counter));
  co_await corolab::sleep_for(1ms);  // virtual: both have finished by then
  co_return counter;
}
// #endregion lost_update

}  // namespace lost_update
