#pragma once
// Lesson 16: a GET that tries again.
//
// Servers fail in passing (a 503 while they restart, a 429 when we are too
// eager), and so do networks (a refused connect, a reset). A client that
// retries, waiting longer each time, rides these out. It is also the kind of
// code that is hard to test with real time: its whole point is to wait.

#include <chrono>
#include <corolab/clock.hpp>
#include <corolab/http/client.hpp>
#include <corolab/task.hpp>
#include <optional>
#include <string>

namespace lesson16 {

struct RetryPolicy {
  int max_attempts = 4;  // the first try included
  corolab::Duration first_backoff = std::chrono::seconds(1);
  double multiplier = 2;  // waits of 1 s, 2 s, 4 s, ...
};

// 500, 502, 503, 504, 408 (Request Timeout) and 429 (Too Many Requests): the
// server may do better later. Not 501 (Not Implemented) or 505 (HTTP Version
// Not Supported): asking again gets the same answer.
bool worth_retrying(int status);
// A refused connect, a reset, a timeout: the network may do better later.
bool worth_retrying(corolab::http::ErrorKind kind);

// How long a 429 or 503 asks us to wait (`Retry-After: <seconds>`), if it does.
std::optional<corolab::Duration> retry_after(const corolab::http::ClientResponse& response);

// GETs `url`, retrying as `policy` says. Returns the first response that is
// not worth retrying, or the last one; rethrows the last error when the last
// attempt failed, or at once when an error is not worth retrying.
corolab::Task<corolab::http::ClientResponse> get_with_retries(corolab::http::Client* client,
                                                              std::string url, RetryPolicy policy);

}  // namespace lesson16
