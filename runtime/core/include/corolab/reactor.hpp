#pragma once
// The reactor: "tell me when this file descriptor is ready".
//
// It is the only place where the loop blocks in the kernel. Three backends
// implement the same small interface:
//   * poll   - portable and simple: the whole interest set is passed to the
//              kernel on every call (O(n) per wait). The teaching baseline.
//   * epoll  - Linux: the kernel remembers the interest set (O(ready) per wait).
//   * kqueue - BSD and macOS: the same idea with a different API.
// The backend is chosen at run time: COROLAB_REACTOR=poll|epoll|kqueue.
//
// Interest is one-shot: a watch fires once and is then forgotten; whoever
// wants more readiness watches again. Readiness is level-triggered.

#include <chrono>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

namespace corolab {

enum class IoDirection { read, write };

enum class ReactorKind { epoll, poll, kqueue };

std::string_view to_string(ReactorKind kind) noexcept;

// The backends compiled into this build that work on this machine.
std::span<const ReactorKind> available_reactor_kinds() noexcept;

// COROLAB_REACTOR if set (throws std::invalid_argument on a name that is not
// available), else the best backend: epoll or kqueue, else poll.
ReactorKind default_reactor_kind();

// Told when a watched file descriptor is ready (or has an error or hang-up:
// the next read or write on it will then report what happened).
class IoCallback {
 public:
  virtual void on_io_ready() noexcept = 0;

 protected:
  ~IoCallback() = default;
};

class Reactor {
 public:
  virtual ~Reactor() = default;

  virtual ReactorKind kind() const noexcept = 0;

  // At most one watch per file descriptor and direction.
  virtual void watch(int fd, IoDirection direction, IoCallback& callback) = 0;
  virtual void unwatch(int fd, IoDirection direction) noexcept = 0;

  // Forget everything about `fd`. This is a contract: call it before closing
  // a watched fd (FileDescriptor::close does). The epoll backend keeps
  // interest registered between waits to save system calls, so a number
  // closed behind its back and reused by a new socket would stay deaf.
  // Coroutines still waiting on the fd are woken, so none hangs on it.
  virtual void forget(int fd) noexcept = 0;

  // The number of active watches: the loop's "is anyone waiting for I/O?".
  virtual std::size_t watch_count() const noexcept = 0;

  // Block until a watched fd is ready, wake() is called, or `timeout` passes
  // (std::nullopt: no limit), then run the callbacks of the ready fds.
  virtual void poll(std::optional<std::chrono::nanoseconds> timeout) = 0;

  // Interrupt a blocking poll(). The only member safe to call from any thread.
  virtual void wake() noexcept = 0;
};

std::unique_ptr<Reactor> make_reactor(ReactorKind kind);

}  // namespace corolab
