#pragma once
// Lesson 01: the smallest callback event loop.
//
// "Call me back when this socket is ready": a table of (fd, events, callback)
// and one poll(2) call that waits for all of them at once. This is the shape
// of every event loop (JavaScript's, Python's asyncio, libuv, corolab's own
// EventLoop); everything else is refinement.

#include <poll.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace lesson01 {

// #region interface
class CallbackLoop {
 public:
  using Callback = std::function<void()>;

  // Calls `callback` each time `fd` is ready for `events` (POLLIN, POLLOUT;
  // an error or a hang-up counts as ready), until unwatch(fd). Watching an
  // fd again replaces its events and callback. `name` is for the trace.
  void watch(int fd, short events, std::string name, Callback callback);
  void unwatch(int fd);

  // Calls `callback` on the loop's next turn (asyncio's call_soon).
  void call_soon(std::string name, Callback callback);

  // Polls and calls back until nothing is watched and nothing is queued.
  // Throws std::runtime_error if that takes longer than `give_up_after`
  // (a callback that never unwatches would otherwise keep it going forever).
  void run(std::chrono::milliseconds give_up_after = std::chrono::seconds(10));
  // #endregion interface

  // Reports every callback the loop makes: "  50.3 ms  on_readable (fd 5: readable)".
  void trace_to(std::function<void(const std::string&)> trace) { trace_ = std::move(trace); }
  std::size_t watch_count() const noexcept { return watches_.size(); }

 private:
  struct Watch {
    short events;
    std::string name;
    Callback callback;
    std::uint64_t id;  // a closed fd's number is soon reused: this tells the two apart
  };
  struct Soon {
    std::string name;
    Callback callback;
  };

  void call(const std::string& name, const Callback& callback, const std::string& detail);
  int poll_timeout_ms(std::chrono::steady_clock::time_point give_up_at) const;

  std::map<int, Watch> watches_;
  std::vector<Soon> soon_;
  std::uint64_t next_id_ = 1;
  std::function<void(const std::string&)> trace_;
  std::chrono::steady_clock::time_point started_{};
};

}  // namespace lesson01
