#pragma once
// How to wait for a Redis that is not there: try, wait, try again, each
// wait twice the last, up to a cap. Client::reconnect and
// Client::connect_with_retry (client.hpp) follow it.
//
//   redis::Backoff backoff;
//   backoff.on_retry = [](const redis::RetryNotice& notice) { log(notice.message()); };
//   // "redis at 127.0.0.1:6379 unreachable (connect: Connection refused), retrying in 0.1 s"
//
// The cap keeps a long outage from turning into hour-long waits: once Redis
// is back, a client notices within max_delay.

#include <chrono>
#include <functional>
#include <string>

#include "corolab/clock.hpp"

namespace corolab::redis {

// One failed attempt, and what happens next: for the caller's log.
struct RetryNotice {
  std::string address;  // "127.0.0.1:6379"
  std::string error;    // why this attempt failed: "connect: Connection refused"
  int failures = 0;     // attempts that failed so far, this one included
  Duration delay{0};    // the wait before the next attempt

  // "redis at 127.0.0.1:6379 unreachable (connect: Connection refused), retrying in 0.1 s"
  std::string message() const;
};

struct Backoff {
  Duration first_delay = std::chrono::milliseconds(100);
  Duration max_delay = std::chrono::seconds(5);
  double multiplier = 2.0;
  // Attempts in all, the first included; 0: no limit (until Redis answers,
  // or the caller's stop token asks to stop).
  int max_attempts = 0;
  // Told of every failed attempt that will be retried. It must not throw.
  std::function<void(const RetryNotice&)> on_retry{};

  // The wait after `failures` failed attempts (1: the first wait):
  // first_delay * multiplier^(failures - 1), at most max_delay.
  Duration delay_after(int failures) const;
};

}  // namespace corolab::redis
