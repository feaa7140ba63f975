// Lesson 05 stage: the stack with and without symmetric transfer.
//
//   1. corolab::Task: a loop of synchronous awaits; each child prints how
//      much deeper the stack is than for the first child. It stays flat.
//   2. NaiveTask, written below: the same loop, but every jump between
//      coroutines is an ordinary call. The stack grows with every await.
//   3. Both, ten million awaits deep, each in a child process with an 8 MiB
//      stack: the naive one dies of SIGSEGV; corolab::Task finishes.
#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <corolab/sync_wait.hpp>
#include <corolab/task.hpp>
#include <coroutine>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <utility>

namespace {

// A task without symmetric transfer: both jumps are ordinary calls, so each
// one runs *on top of* the stack frames of the one before.
class NaiveTask {
 public:
  struct promise_type;
  using Handle = std::coroutine_handle<promise_type>;

  struct FinalAwaiter {
    bool await_ready() noexcept { return false; }
    void await_suspend(Handle self) noexcept {
      // The awaiter goes on, inside this call:
      self.promise().continuation.resume();
    }
    void await_resume() noexcept {}
  };

  struct promise_type {
    int value = 0;
    std::coroutine_handle<> continuation = std::noop_coroutine();

    NaiveTask get_return_object() { return NaiveTask{Handle::from_promise(*this)}; }
    std::suspend_always initial_suspend() noexcept { return {}; }
    FinalAwaiter final_suspend() noexcept { return {}; }
    void return_value(int v) { value = v; }
    void unhandled_exception() { std::terminate(); }
  };

  // #region naive_awaiter
  bool await_ready() noexcept { return false; }
  void await_suspend(std::coroutine_handle<> parent) noexcept {
    handle_.promise().continuation = parent;
    handle_.resume();  // the child runs, in this call
  }
  int await_resume() noexcept { return handle_.promise().value; }
  // #endregion naive_awaiter

  NaiveTask(NaiveTask&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
  NaiveTask& operator=(NaiveTask) = delete;
  ~NaiveTask() {
    if (handle_) handle_.destroy();
  }

  // Runs a top-level task to its end (nobody awaits it).
  int run() {
    handle_.resume();
    return handle_.promise().value;
  }

 private:
  explicit NaiveTask(Handle handle) : handle_(handle) {}
  Handle handle_;
};

// --- Measuring the stack ---------------------------------------------------

std::uintptr_t first_child_depth = 0;  // the stack pointer in the first child
bool print_depths = false;
long* levels_reached = nullptr;  // shared with the parent process, in part 3

bool worth_printing(long level) {
  return level == 1 || level == 10 || level == 100 || level == 1000 || level == 3000;
}

// Called from each child coroutine. The stack grows downwards: how far below
// the first child's frame is this one?
[[gnu::noinline]] void report_depth(long level) {
  const auto here = reinterpret_cast<std::uintptr_t>(__builtin_frame_address(0));
  if (level == 1) first_child_depth = here;
  if (levels_reached != nullptr) *levels_reached = level;
  if (print_depths && worth_printing(level)) {
    fmt::print("   await {:>5}: the stack is {:>7} bytes deeper than at the first\n", level,
               static_cast<long>(first_child_depth - here));
  }
}

corolab::Task<int> runtime_child(long level) {
  report_depth(level);
  co_return 1;
}

corolab::Task<long> runtime_chain(long count) {
  long sum = 0;
  for (long level = 1; level <= count; ++level) {
    int one = co_await runtime_child(level);
    sum += one;
  }
  co_return sum;
}

NaiveTask naive_child(long level) {
  report_depth(level);
  co_return 1;
}

NaiveTask naive_chain(long count) {
  long sum = 0;
  for (long level = 1; level <= count; ++level) {
    int one = co_await naive_child(level);
    sum += one;
  }
  co_return static_cast<int>(sum);
}

long run_runtime_chain(long count) { return corolab::sync_wait(runtime_chain(count)); }
long run_naive_chain(long count) { return naive_chain(count).run(); }

// --- Part 3: deep, in a child process -------------------------------------

constexpr long kDeep = 10'000'000;

// Runs `chain` kDeep awaits deep in a forked child with an 8 MiB stack, and
// says how that went.
void run_deep_in_child(const char* name, long (*chain)(long)) {
  // A page both processes see, so the child can tell how far it got.
  void* shared =
      mmap(nullptr, sizeof(long), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (shared == MAP_FAILED) {
    fmt::print("   {}: mmap failed: {}\n", name, std::strerror(errno));
    return;
  }
  levels_reached = static_cast<long*>(shared);
  *levels_reached = 0;

  const auto start = std::chrono::steady_clock::now();
  std::fflush(nullptr);
  const pid_t child = fork();
  if (child == 0) {
    rlimit stack{8 * 1024 * 1024, 8 * 1024 * 1024};
    setrlimit(RLIMIT_STACK, &stack);
    std::signal(SIGSEGV, SIG_DFL);  // die quietly: the parent reports it
    _exit(chain(kDeep) == kDeep ? 0 : 1);
  }
  int status = 0;
  waitpid(child, &status, 0);
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;

  if (WIFSIGNALED(status)) {
    fmt::print("   {}: child died of SIG{} after {} levels\n", name, sigabbrev_np(WTERMSIG(status)),
               *levels_reached);
  } else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    fmt::print("   {}: {} levels, fine ({:.1f} s)\n", name, *levels_reached, took.count());
  } else {
    fmt::print("   {}: child exited with status {} after {} levels\n", name, WEXITSTATUS(status),
               *levels_reached);
  }
  munmap(shared, sizeof(long));
  levels_reached = nullptr;
}

}  // namespace

int main() {
  print_depths = true;
  fmt::print("1. corolab::Task (symmetric transfer): 3000 synchronous awaits in a loop\n");
  run_runtime_chain(3000);

  fmt::print("\n2. NaiveTask (resumes inline): the same loop\n");
  run_naive_chain(3000);
  print_depths = false;

  fmt::print("\n3. {} awaits, each chain in a child process with an 8 MiB stack\n", kDeep);
  run_deep_in_child("NaiveTask    ", run_naive_chain);
  run_deep_in_child("corolab::Task", run_runtime_chain);
}
