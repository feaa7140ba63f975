#pragma once
// The bridge between libcurl's multi-socket API and the corolab loop.
//
// curl drives the protocol and asks us for two services:
//   * "watch this socket for IN / OUT / both / stop watching"
//     (CURLMOPT_SOCKETFUNCTION): we register the fd with the reactor;
//   * "call me back in N ms" (CURLMOPT_TIMERFUNCTION): a timer coroutine
//     sleeps until then.
// When the reactor or the timer says so, we call curl_multi_socket_action,
// then collect the transfers curl has finished and wake their coroutines.
//
// curl's traps, and how this file handles them:
//   * Timer callback with -1 means "delete the timer", 0 means "as soon as
//     possible". Never call curl from inside that callback: we only move the
//     timer coroutine's deadline; it calls curl on a later tick.
//   * REMOVE can come for a socket curl already closed, or never announced:
//     unknown sockets are ignored, and the reactor's forget() tolerates a
//     closed fd.
//   * fd numbers are reused at once after close: curl closes through our
//     CURLOPT_CLOSESOCKETFUNCTION, so the reactor forgets an fd before the
//     number can come back (the reactor's forget-before-close contract).
//   * The reactor's callbacks call curl, and curl may REMOVE the very socket
//     whose callback is running: removed watches are retired, not deleted,
//     until curl has returned.
//   * curl's own threads (the threaded resolver) talk to it through sockets
//     it announces like any other, so they need nothing special.

#include <curl/curl.h>

#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "corolab/event.hpp"
#include "corolab/event_loop.hpp"
#include "corolab/http/bridge_stats.hpp"
#include "corolab/http/client.hpp"
#include "corolab/reactor.hpp"
#include "corolab/task_group.hpp"

namespace corolab::http {

class Transfer;

class CurlMultiBridge {
 public:
  explicit CurlMultiBridge(const ClientOptions& options);
  ~CurlMultiBridge();
  CurlMultiBridge(const CurlMultiBridge&) = delete;
  CurlMultiBridge& operator=(const CurlMultiBridge&) = delete;

  void add(Transfer& transfer);
  void remove(Transfer& transfer) noexcept;

  std::size_t in_flight() const noexcept { return added_.size(); }
  const BridgeStats& stats() const noexcept { return stats_; }
  void observe(std::function<void(const BridgeEvent&)> observer) {
    on_event_ = std::move(observer);
  }

  // For CURLOPT_CLOSESOCKETFUNCTION, set on every easy handle.
  static int close_socket(void* bridge, curl_socket_t fd);

 private:
  class SocketWatch;

  // curl's callbacks (C function pointers; `user` is this bridge).
  static int on_socket(CURL* easy, curl_socket_t fd, int what, void* user, void* socket_data);
  static int on_timer(CURLM* multi, long timeout_ms, void* user);

  void watch_socket(curl_socket_t fd, int what);
  void set_timer(long timeout_ms);
  void stop_watching(curl_socket_t fd) noexcept;
  void on_socket_ready(curl_socket_t fd, IoDirection direction) noexcept;
  void socket_action(curl_socket_t fd, int event_mask) noexcept;
  void finish_completed_transfers() noexcept;
  void fail_every_transfer() noexcept;
  Task<void> run_timer();
  void tell(const BridgeEvent& event) const noexcept {
    if (on_event_) on_event_(event);
  }

  CURLM* multi_;
  Reactor& reactor_;
  std::unordered_map<curl_socket_t, std::unique_ptr<SocketWatch>> sockets_;
  std::vector<std::unique_ptr<SocketWatch>> retired_;  // freed once curl has returned
  std::unordered_set<curl_socket_t> removed_fds_;      // to notice fd numbers coming back
  std::unordered_set<Transfer*> added_;                // in curl's hands now
  int action_depth_ = 0;

  // The timer: curl sets timer_deadline_; the timer coroutine sleeps until
  // it, and a moved deadline interrupts that sleep (timer_moved_).
  std::optional<TimePoint> timer_deadline_;
  Event timer_changed_;
  std::optional<std::stop_source> timer_moved_;
  TaskGroup timer_task_;  // owns the timer coroutine; destroyed with the bridge

  BridgeStats stats_;
  std::function<void(const BridgeEvent&)> on_event_;  // Client::observe_bridge
};

}  // namespace corolab::http
