#pragma once
// Retries: a request that failed in a way that may pass (a network error;
// 500, 502, 503, 504, 408, 429) is tried again, after a pause that grows, or after what the
// server's Retry-After asks; both capped, so that a crawl ends in bounded
// time.

#include <functional>
#include <optional>
#include <string>

#include "corolab/clock.hpp"
#include "corolab/crawler/jitter.hpp"
#include "corolab/http/client.hpp"
#include "corolab/task.hpp"

namespace corolab::crawler {

struct RetryPolicy {
  int max_tries = 3;                                 // attempts in all, the first included
  Duration backoff{std::chrono::milliseconds(250)};  // the first pause; doubles each time
  Duration max_backoff{std::chrono::seconds(30)};    // the longest pause, Retry-After included
};

bool worth_retrying(int status);
bool worth_retrying(http::ErrorKind kind);

// The pause before attempt `attempt` + 1: what Retry-After asked, if it
// did, else the backoff, jittered; never longer than max_backoff.
Duration pause_before_retry(const RetryPolicy& policy, int attempt,
                            std::optional<Duration> retry_after, Jitter& jitter);

// GET `url` until it succeeds, fails in a way not worth retrying, or runs
// out of tries. Each attempt asks `next_attempt` for its request options: a
// retry starts the response afresh. Throws the last attempt's HttpError.
Task<http::ClientResponse> fetch_with_retries(http::Client* client, std::string url,
                                              std::function<http::RequestOptions()> next_attempt,
                                              RetryPolicy policy, Jitter* jitter);

}  // namespace corolab::crawler
