// Task<T>: laziness, results, references, exceptions, symmetric transfer,
// and frame lifetimes. (Lesson 05's exercise is task.hpp itself: these are
// its tests, so the deep chain runs in a child process, where a stack
// overflow is a failure with a message rather than the end of the program.)
#include "corolab/task.hpp"

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>

#include "corolab/sync_wait.hpp"
#include "lifetime_counter.hpp"

using corolab::sync_wait;
using corolab::Task;

namespace {

Task<int> forty_two() { co_return 42; }

Task<int> add_one(Task<int> inner) {
  int value = co_await std::move(inner);
  co_return value + 1;
}

Task<void> set_flag(bool* flag) {
  *flag = true;
  co_return;
}

Task<std::unique_ptr<int>> move_only_result() { co_return std::make_unique<int>(7); }

Task<int&> element_of(int* array, int index) { co_return array[index]; }

Task<int> throws_runtime_error() {
  throw std::runtime_error("boom");
  co_return 0;
}

Task<void> void_throws() {
  throw std::runtime_error("void boom");
  co_return;
}

Task<int&> reference_throws() {
  throw std::runtime_error("reference boom");
  static int never_returned = 0;
  co_return never_returned;
}

// The exception passes through a task that does not catch it.
Task<void> awaits_a_throwing_child() {
  co_await void_throws();
  throw std::logic_error("not reached: the child's exception goes on up");
}

Task<int> catches_child_error() {
  try {
    co_return co_await throws_runtime_error();
  } catch (const std::runtime_error& e) {
    co_return std::string(e.what()) == "boom" ? 1 : 2;
  }
}

Task<void> counted(int* runs) {
  LifetimeCounter in_frame;
  ++*runs;
  co_return;
}

Task<int> synchronous_child() { co_return 1; }

Task<long> await_many_synchronous_children(long count) {
  long sum = 0;
  for (long i = 0; i < count; ++i) {
    int value = co_await synchronous_child();
    sum += value;
  }
  co_return sum;
}

constexpr int kWrongResult = 3;  // the child's exit status when the chain ends with a wrong sum
constexpr int kThrew = 4;        // ... and when it throws

// A stack that overflows should do so quickly: with an unlimited stack
// limit, a broken chain would grow until memory runs out. 8 MiB is the
// usual default, and ten million awaits need far less with symmetric transfer.
void limit_stack_size() {
  constexpr rlim_t limit = 8 * 1024 * 1024;
  rlimit stack{};
  if (getrlimit(RLIMIT_STACK, &stack) == 0 &&
      (stack.rlim_cur == RLIM_INFINITY || stack.rlim_cur > limit)) {
    stack.rlim_cur = limit;
    setrlimit(RLIMIT_STACK, &stack);
  }
}

// What became of a child process, and a sentence a test failure can show.
struct ChildOutcome {
  bool succeeded = false;
  std::string explanation;
};

ChildOutcome explain(int status) {
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return {true, "the child process finished"};
  if (WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV) {
    return {
        false,
        "the child process died of SIGSEGV: the stack overflowed; does final_suspend resume the "
        "continuation inside await_suspend instead of returning it? (and does awaiting a task "
        "resume the child inside await_suspend instead of returning its handle?)"};
  }
  if (WIFSIGNALED(status)) {
    return {false, std::string("the child process died of signal ") + strsignal(WTERMSIG(status))};
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == kWrongResult) {
    return {false, "the child process finished the chain, with the wrong result"};
  }
  return {false,
          "the child process exited with status " + std::to_string(WEXITSTATUS(status)) +
              " (a sanitizer ends a stack overflow this way: see its report above; the stack "
              "overflowed? does final_suspend resume the continuation inside await_suspend "
              "instead of returning it?)"};
}

// Runs `work` in a forked child process and waits for it. The child leaves
// with _exit, so it never runs Catch's reporters or destructors twice; an
// exception it throws comes back through a pipe, as the explanation.
template <typename Work>
ChildOutcome run_in_child_process(Work work) {
  int message[2];
  if (pipe(message) == -1) return {false, std::string("pipe failed: ") + std::strerror(errno)};
  std::fflush(nullptr);  // or the child would print the parent's buffered output again
  std::cout.flush();
  const pid_t child = fork();
  if (child == -1) return {false, std::string("fork failed: ") + std::strerror(errno)};
  if (child == 0) {
    // Catch's handlers would report a crash as a test failure from inside
    // the child: let the signal kill the child, for the parent to see.
    for (int signal : {SIGSEGV, SIGBUS, SIGABRT, SIGILL, SIGFPE}) std::signal(signal, SIG_DFL);
    limit_stack_size();
    int status = kWrongResult;
    try {
      if (work()) status = 0;
    } catch (const std::exception& e) {
      const std::string what = std::string("the chain threw: ") + e.what();
      [[maybe_unused]] const ssize_t written = write(message[1], what.data(), what.size());
      status = kThrew;
    }
    std::fflush(nullptr);
    _exit(status);
  }
  close(message[1]);
  int status = 0;
  while (waitpid(child, &status, 0) == -1) {
    if (errno != EINTR) return {false, std::string("waitpid failed: ") + std::strerror(errno)};
  }
  char buffer[512];
  const ssize_t length = read(message[0], buffer, sizeof buffer);
  close(message[0]);
  if (WIFEXITED(status) && WEXITSTATUS(status) == kThrew && length > 0) {
    return {false, std::string(buffer, static_cast<std::size_t>(length))};
  }
  return explain(status);
}

}  // namespace

TEST_CASE("a task is lazy: nothing runs until it is awaited") {
  bool ran = false;
  Task<void> task = set_flag(&ran);
  CHECK_FALSE(ran);
  sync_wait(std::move(task));
  CHECK(ran);
}

TEST_CASE("a task returns values, move-only values and references") {
  CHECK(sync_wait(forty_two()) == 42);
  CHECK(sync_wait(add_one(add_one(forty_two()))) == 44);
  CHECK(*sync_wait(move_only_result()) == 7);

  int numbers[] = {10, 20, 30};
  int& second = sync_wait(element_of(numbers, 1));
  CHECK(&second == &numbers[1]);
}

TEST_CASE("an exception thrown in a task is rethrown in its awaiter") {
  CHECK_THROWS_WITH(sync_wait(throws_runtime_error()), "boom");
  CHECK(sync_wait(catches_child_error()) == 1);
}

TEST_CASE("Task<void> and Task<T&> rethrow their exceptions too") {
  CHECK_THROWS_WITH(sync_wait(void_throws()), "void boom");
  CHECK_THROWS_WITH(sync_wait(awaits_a_throwing_child()), "void boom");
  CHECK_THROWS_WITH(sync_wait(reference_throws()), "reference boom");
}

// Every Task frame created in a scope is freed by its end.
struct ExpectNoFrameLeaks {
  std::ptrdiff_t frames_before = corolab::task_frames_alive();
  ~ExpectNoFrameLeaks() { CHECK(corolab::task_frames_alive() == frames_before); }
};

TEST_CASE("frames and their locals are destroyed exactly once") {
  ExpectNoLeaks no_leaks;
  ExpectNoFrameLeaks no_frame_leaks;
  int runs = 0;
  SECTION("a task that ran to completion") {
    sync_wait(counted(&runs));
    CHECK(runs == 1);
  }
  SECTION("a task that was never started") {
    { Task<void> never_started = counted(&runs); }
    CHECK(runs == 0);
  }
  SECTION("a moved-from task owns nothing") {
    Task<void> first = counted(&runs);
    Task<void> second = std::move(first);
    CHECK_FALSE(first.valid());
    CHECK(second.valid());
    first = std::move(second);
    sync_wait(std::move(first));
    CHECK(runs == 1);
  }
  SECTION("a task assigned over another frees the other") {
    Task<void> task = counted(&runs);
    task = counted(&runs);
    CHECK(corolab::task_frames_alive() == no_frame_leaks.frames_before + 1);
  }
  SECTION("tasks that threw, and the chains they ended") {
    CHECK_THROWS(sync_wait(awaits_a_throwing_child()));
    CHECK_THROWS(sync_wait(add_one(throws_runtime_error())));
  }
  SECTION("a chain of a thousand awaits") {
    CHECK(sync_wait(await_many_synchronous_children(1000)) == 1000);
  }
}

// #region deep_chain_test
TEST_CASE("ten million synchronous awaits do not overflow the stack (symmetric transfer)") {
  // #region deep_chain_in_child
  constexpr long count = 10'000'000;
  // In a child process: if the stack does overflow, the child dies and
  // this test fails with a message, instead of the whole test program dying.
  const ChildOutcome outcome = run_in_child_process(
      [] { return sync_wait(await_many_synchronous_children(count)) == count; });
  INFO(outcome.explanation);
  CHECK(outcome.succeeded);
  // #endregion deep_chain_in_child
}
// #endregion deep_chain_test
