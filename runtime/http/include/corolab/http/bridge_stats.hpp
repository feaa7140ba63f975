#pragma once
// What the curl bridge (Client's engine) shows of its work: running counts
// (BridgeStats, Client::bridge_stats) and each step as it happens
// (BridgeEvent, Client::observe_bridge). For tests and curious readers.

#include <cstddef>

namespace corolab::http {

// One conversation step between curl and the bridge, as it happens.
struct BridgeEvent {
  enum class Kind {
    watch,         // curl: "wait until socket `fd` is readable / writable"
    remove,        // curl: "stop watching socket `fd`"
    timer,         // curl: "call me back in `timeout_ms`" (-1: no timer)
    socket_ready,  // the reactor: `fd` is ready; the bridge tells curl
    timer_fired,   // the deadline came; the bridge tells curl
  };
  Kind kind = Kind::watch;
  int fd = -1;
  bool read = false;
  bool write = false;
  long timeout_ms = 0;
};

// What the bridge has seen so far, counted.
struct BridgeStats {
  std::size_t socket_callbacks = 0;
  std::size_t sockets_removed = 0;
  std::size_t removes_for_unknown_sockets = 0;  // REMOVE for a socket never announced
  std::size_t fd_numbers_reused = 0;            // a new socket got the number of a removed one
  std::size_t timer_deletes = 0;                // timeout -1
  std::size_t timer_immediate = 0;              // timeout 0
  std::size_t timer_fired = 0;
  std::size_t sockets_closed = 0;  // through CURLOPT_CLOSESOCKETFUNCTION
};

}  // namespace corolab::http
