#pragma once
// Small helpers shared by the event loop, timer, reactor and thread pool
// tests.

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <coroutine>
#include <exception>
#include <string>
#include <utility>

#include "corolab/reactor.hpp"
#include "corolab/task.hpp"

// Catch2 prints reactor kinds by name in failure messages.
namespace Catch {
template <>
struct StringMaker<corolab::ReactorKind> {
  static std::string convert(corolab::ReactorKind kind) {
    return std::string(corolab::to_string(kind));
  }
};
}  // namespace Catch

// Starts a Task at once (outside the loop's queue) and owns it, so a test can
// destroy the task while it is suspended at a chosen point: destroying the
// StartedTask destroys the task's frame and the awaiter it is suspended in.
class StartedTask {
 public:
  struct promise_type {
    StartedTask get_return_object() noexcept {
      return StartedTask{std::coroutine_handle<promise_type>::from_promise(*this)};
    }
    std::suspend_never initial_suspend() noexcept { return {}; }
    std::suspend_always final_suspend() noexcept { return {}; }
    void return_void() noexcept {}
    void unhandled_exception() noexcept { error = std::current_exception(); }
    std::exception_ptr error;
  };

  StartedTask(StartedTask&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
  StartedTask& operator=(StartedTask&&) = delete;
  ~StartedTask() {
    if (handle_) handle_.destroy();
  }

  bool done() const noexcept { return handle_.done(); }

 private:
  explicit StartedTask(std::coroutine_handle<promise_type> handle) noexcept : handle_(handle) {}
  std::coroutine_handle<promise_type> handle_;
};

// Runs `task` until its first suspension, right now.
inline StartedTask start_now(corolab::Task<void> task) { co_await std::move(task); }

// A pipe (or a socketpair) whose ends are closed when it goes out of scope.
// Declare it before the EventLoop, so the loop (and its reactor) is gone
// before the file descriptors are closed.
struct FdPair {
  int fds[2] = {-1, -1};

  static FdPair pipe() {
    FdPair pair;
    REQUIRE(::pipe2(pair.fds, O_CLOEXEC) == 0);
    return pair;
  }
  static FdPair socketpair() {
    FdPair pair;
    REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair.fds) == 0);
    return pair;
  }

  FdPair() = default;
  FdPair(FdPair&& other) noexcept
      : fds{std::exchange(other.fds[0], -1), std::exchange(other.fds[1], -1)} {}
  FdPair& operator=(FdPair&& other) noexcept {
    if (this != &other) {
      close_both();
      fds[0] = std::exchange(other.fds[0], -1);
      fds[1] = std::exchange(other.fds[1], -1);
    }
    return *this;
  }
  ~FdPair() { close_both(); }

  int read_fd() const noexcept { return fds[0]; }
  int write_fd() const noexcept { return fds[1]; }
  void close_read() noexcept { close_one(fds[0]); }
  void close_write() noexcept { close_one(fds[1]); }
  void close_both() noexcept {
    close_one(fds[0]);
    close_one(fds[1]);
  }

 private:
  static void close_one(int& fd) noexcept {
    if (fd >= 0) ::close(std::exchange(fd, -1));
  }
};
