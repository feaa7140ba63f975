// Lesson 04's exercise: the body of traced_body, lowered by hand.
//
//   trace->push_back("body: begins");
//   TracedLocal local(trace);
//   TracedAwaiter pause{trace, "pause", 10};
//   const int got = co_await pause;
//   if (start < 0) throw std::runtime_error("negative start");
//   co_yield start + got;
//   co_return start * 2;
#include <stdexcept>

#include "lowered.hpp"

namespace lesson04 {

void LoweredFrame::resume() {
  // #exercise resume: continue the body from resume_point to its next suspension
  try {
    switch (resume_point) {
      case 0:  // from the ramp: co_await promise.initial_suspend()
        awaiter.emplace(promise.initial_suspend());
        if (!awaiter->await_ready()) {
          resume_point = 1;
          awaiter->await_suspend(LoweredHandle{this});
          return;
        }
        [[fallthrough]];
      case 1:
        awaiter->await_resume();
        awaiter.reset();
        initial_await_resume_called = true;

        // #region lowered_await
        trace->push_back("body: begins");
        local.emplace(trace);
        pause.emplace(TracedAwaiter{trace, "pause", 10});
        if (!pause->await_ready()) {  // co_await pause
          resume_point = 2;
          pause->await_suspend(LoweredHandle{this});
          return;
        }
        [[fallthrough]];
      case 2:
        got = pause->await_resume();
        // #endregion lowered_await
        if (start < 0) throw std::runtime_error("negative start");

        awaiter.emplace(promise.yield_value(start + got));  // co_yield start + got
        if (!awaiter->await_ready()) {
          resume_point = 3;
          awaiter->await_suspend(LoweredHandle{this});
          return;
        }
        [[fallthrough]];
      case 3:
        awaiter->await_resume();
        awaiter.reset();

        promise.return_value(start * 2);  // co_return start * 2
        pause.reset();                    // leaving the body's scope: its locals die, newest first
        local.reset();
        goto final_suspend;
      default:  // 4: resuming a finished coroutine is undefined behaviour; here, nothing
        return;
    }
  } catch (...) {
    // Unwinding ends the body's locals first, as it would on the stack.
    awaiter.reset();
    pause.reset();
    local.reset();
    if (!initial_await_resume_called) throw;
    promise.unhandled_exception();
  }

final_suspend:  // co_await promise.final_suspend()
  awaiter.emplace(promise.final_suspend());
  if (!awaiter->await_ready()) {
    resume_point = 4;
    awaiter->await_suspend(LoweredHandle{this});
    return;
  }
  awaiter->await_resume();
  destroy();  // flowing off the end frees the frame
  // #starter
  // throw std::logic_error("lesson 04: write the lowered resume()");
  // #endexercise
}

}  // namespace lesson04
