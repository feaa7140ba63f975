// Retries with backoff: see retries.hpp.
#include "corolab/crawler/retries.hpp"

#include <algorithm>

#include "corolab/http/retry_after.hpp"
#include "corolab/sleep.hpp"

namespace corolab::crawler {

// Statuses that say "not now" rather than "never": the server or a gateway
// failed this time (500, 502, 503, 504), the request timed out (408), or we
// asked too fast (429). 501 Not Implemented and 505 HTTP Version Not
// Supported will say the same next time, and 4xx are about the request.
bool worth_retrying(int status) {
  switch (status) {
    case 500:
    case 502:
    case 503:
    case 504:
    case 408:
    case 429: return true;
    default: return false;
  }
}

bool worth_retrying(http::ErrorKind kind) {
  return kind == http::ErrorKind::connect || kind == http::ErrorKind::timeout ||
         kind == http::ErrorKind::reset || kind == http::ErrorKind::dns ||
         kind == http::ErrorKind::other;
}

Duration pause_before_retry(const RetryPolicy& policy, int attempt,
                            std::optional<Duration> retry_after, Jitter& jitter) {
  // Retry-After is honoured, but capped: a crawl must end in bounded time.
  if (retry_after) return std::min(*retry_after, policy.max_backoff);
  return jitter(std::min(policy.max_backoff, policy.backoff * (1 << (attempt - 1))));
}

// Network errors, 429 and the transient 5xx are worth another try, after a growing pause
// (with jitter, so many crawlers do not retry in lockstep), or after what
// Retry-After asks.
Task<http::ClientResponse> fetch_with_retries(http::Client* client, std::string url,
                                              std::function<http::RequestOptions()> next_attempt,
                                              RetryPolicy policy, Jitter* jitter) {
  for (int attempt = 1;; ++attempt) {
    const http::RequestOptions options = next_attempt();
    std::optional<Duration> retry_after;
    try {
      http::ClientResponse response = co_await client->get(url, options);
      if (!worth_retrying(response.status) || attempt >= policy.max_tries) co_return response;
      retry_after = http::retry_after(response.headers);
    } catch (const http::HttpError& error) {
      if (!worth_retrying(error.kind()) || attempt >= policy.max_tries) throw;
    }
    co_await sleep_for(pause_before_retry(policy, attempt, retry_after, *jitter));
  }
}

}  // namespace corolab::crawler
