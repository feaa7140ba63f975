#pragma once
// Waiting for a Unix signal as an ordinary coroutine wait.
//
//   int signal = co_await corolab::wait_for_signal({SIGINT, SIGTERM});
//
// A signal handler may only do async-signal-safe things, so ours writes the
// signal number into a pipe (the self-pipe trick); the coroutine waits for
// that pipe to become readable like any other fd. The handlers are installed
// while the wait lasts and the previous ones restored after, so the default
// Ctrl-C behaviour returns when nobody is listening.
//
// One wait_for_signal at a time per process (signals are process-wide).

#include <vector>

#include "corolab/task.hpp"

namespace corolab {

// Returns the number of the first of `signals` to arrive. Cancellable.
Task<int> wait_for_signal(std::vector<int> signals);

}  // namespace corolab
