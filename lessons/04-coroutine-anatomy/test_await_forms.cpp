// Lesson 04: what each form of await_suspend does.
#include <catch2/catch.hpp>

#include "await_forms.hpp"

using lesson04::Job;
using lesson04::Log;

TEST_CASE("void await_suspend: the coroutine stays suspended") {
  Log log;
  Job job = lesson04::pause_once(&log);
  job.resume();
  CHECK(log == Log{"before"});
  CHECK(!job.done());
  job.resume();
  CHECK(log == Log{"before", "after"});
  CHECK(job.done());
}

TEST_CASE("bool await_suspend returning true: suspended, as with void") {
  Log log;
  Job job = lesson04::pause_if(&log, true);
  job.resume();
  CHECK(log == Log{"before"});
  CHECK(!job.done());
}

TEST_CASE("bool await_suspend returning false: the coroutine goes on at once") {
  Log log;
  Job job = lesson04::pause_if(&log, false);
  job.resume();
  CHECK(log == Log{"before", "after"});
  CHECK(job.done());
}

TEST_CASE("coroutine_handle await_suspend: the other coroutine runs in its place") {
  Log log;
  Job b = lesson04::other(&log);
  Job a = lesson04::switch_to(&log, b.handle());
  a.resume();  // runs A to its co_await, then B, then returns here
  CHECK(log == Log{"A: before", "B: runs"});
  CHECK(!a.done());
  CHECK(b.done());
  a.resume();
  CHECK(log == Log{"A: before", "B: runs", "A: after"});
  CHECK(a.done());
}

TEST_CASE("coroutine_handle await_suspend: noop_coroutine means back to the resumer") {
  Log log;
  Job a = lesson04::switch_to(&log, std::noop_coroutine());
  a.resume();
  CHECK(log == Log{"A: before"});
  CHECK(!a.done());
}
