// The slow-step watchdog (LoopOptions::slow_step_warning, COROLAB_SLOW_STEP_MS),
// and the traced resume: the loop's slow path, taken only when one is on.
//
// A coroutine runs until it suspends, and while it runs nothing else does:
// one task that computes for 100 ms delays every timer and every socket by
// 100 ms. asyncio's debug mode reports such steps ("Executing <Task ...>
// took 0.120 seconds"); so does this, naming the task and what it was
// resumed from, which is usually enough to find the loop that forgot to
// yield or the blocking call that slipped in.
#include <fmt/core.h>

#include <chrono>
#include <cstdlib>

#include "corolab/detail/tracer.hpp"
#include "corolab/event_loop.hpp"

namespace corolab {

std::optional<Duration> default_slow_step_warning() {
  const char* text = std::getenv("COROLAB_SLOW_STEP_MS");
  if (text == nullptr || *text == '\0') return std::nullopt;
  char* end = nullptr;
  const double ms = std::strtod(text, &end);
  if (end == text || *end != '\0' || !(ms >= 0)) {
    fmt::print(stderr, "corolab: COROLAB_SLOW_STEP_MS={} is not a number of milliseconds\n", text);
    return std::nullopt;
  }
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double, std::milli>(ms));
}

namespace {

// What `next` resumes its task from, said before the resume: the waiter
// lives in the coroutine's frame and is gone by the time the step ends.
const char* resumed_from(const detail::Resumable& next) noexcept {
  const detail::TaskRecord* task = next.task;
  if (task == nullptr) return nullptr;
  if (detail::is_start_of(next)) return "its start";
  const detail::Waiter* waiter = task->waiter;
  if (waiter != nullptr && static_cast<const detail::Resumable*>(waiter) == &next) {
    const char* kind = waiter->kind();
    return kind != nullptr ? kind : "a wait";
  }
  return "a yield";
}

}  // namespace

void EventLoop::resume_observed(detail::Resumable& next) {
  const std::coroutine_handle<> handle = next.handle;
  const bool tracing = this->tracing();
  if (!slow_step_) {
    tracer_->resuming(handle);
    handle.resume();
    tracer_->resumed();
    return;
  }
  step_task_ = next.task;
  const char* from = resumed_from(next);
  // The real clock, even on virtual time: what matters is how long the
  // loop thread was held, not what the loop's clock says.
  const Clock::time_point start = Clock::now();
  if (tracing) tracer_->resuming(handle);
  handle.resume();
  if (tracing) tracer_->resumed();
  const Duration took = Clock::now() - start;
  if (took > *slow_step_) [[unlikely]]
    report_slow_step(took, from);
  step_task_ = nullptr;
  if (!ended_step_task_.empty()) ended_step_task_.clear();
}

void EventLoop::step_task_ending() noexcept {
  try {
    ended_step_task_ = step_task_->name;
  } catch (...) {
    ended_step_task_.clear();  // no memory for the name: the report says "a task"
  }
  step_task_ = nullptr;
}

// One line per slow step, as it happens:
//   corolab: task 'worker 3' held the loop for 120.4 ms (resumed from sleep)
void EventLoop::report_slow_step(Duration took, const char* resumed_from) const {
  const double ms = std::chrono::duration<double, std::milli>(took).count();
  std::string who = "a coroutine outside any task";
  if (step_task_ != nullptr) {
    who = fmt::format("task '{}'", step_task_->name);
  } else if (!ended_step_task_.empty()) {
    who = fmt::format("task '{}' (which ended in that step)", ended_step_task_);
  }
  const std::string from =
      resumed_from != nullptr ? fmt::format(" (resumed from {})", resumed_from) : "";
  fmt::print(stderr, "corolab: {} held the loop for {:.1f} ms{}\n", who, ms, from);
}

}  // namespace corolab
