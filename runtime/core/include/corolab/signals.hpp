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
// Several waits may be on at once, for different signals (signals are
// process-wide: two waits for the same signal both get it, and the handler
// put back is whichever the last one to end found).

#include <functional>
#include <vector>

#include "corolab/task.hpp"

namespace corolab {

// Returns the number of the first of `signals` to arrive. Cancellable.
Task<int> wait_for_signal(std::vector<int> signals);

// Calls `handle(signal)` on the loop thread each time one of `signals`
// arrives, until cancelled. The handlers stay installed all along, so a
// signal that arrives while `handle` runs is not missed (nor does it get the
// default action).
Task<void> on_each_signal(std::vector<int> signals, std::function<void(int)> handle);

}  // namespace corolab
