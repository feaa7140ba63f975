// Lesson 16: the retrying GET your tests are for (given: the exercise is
// the tests). Its contract is in retrying_get.hpp; mutants.cmake breaks it
// in ten ways, and your tests must notice each.
#include "retrying_get.hpp"

#include <charconv>
#include <corolab/sleep.hpp>

namespace lesson16 {

using corolab::Duration;
using corolab::http::ClientResponse;
using corolab::http::ErrorKind;
using corolab::http::HttpError;

bool worth_retrying(int status) {
  switch (status) {
    case 500:  // Internal Server Error
    case 502:  // Bad Gateway
    case 503:  // Service Unavailable
    case 504:  // Gateway Timeout
    case 408:  // Request Timeout
    case 429:  // Too Many Requests
      return true;
    default: return false;
  }
}

bool worth_retrying(ErrorKind kind) {
  return kind == ErrorKind::connect || kind == ErrorKind::reset || kind == ErrorKind::timeout;
}

std::optional<Duration> retry_after(const ClientResponse& response) {
  if (response.status != 429 && response.status != 503) return std::nullopt;
  const std::optional<std::string_view> value = response.headers.get("Retry-After");
  if (!value) return std::nullopt;
  // Only the delay-seconds form; an HTTP date is ignored (we back off as usual).
  long seconds = 0;
  const auto [end, error] = std::from_chars(value->data(), value->data() + value->size(), seconds);
  if (error != std::errc{} || end != value->data() + value->size() || seconds < 0)
    return std::nullopt;
  return std::chrono::seconds(seconds);
}

corolab::Task<ClientResponse> get_with_retries(corolab::http::Client* client, std::string url,
                                               RetryPolicy policy) {
  Duration backoff = policy.first_backoff;
  for (int attempt = 1;; ++attempt) {
    const bool last_attempt = attempt >= policy.max_attempts;
    Duration wait = backoff;
    try {
      ClientResponse response = co_await client->get(url);
      if (last_attempt || !worth_retrying(response.status)) co_return response;
      wait = retry_after(response).value_or(backoff);
    } catch (const HttpError& error) {
      if (last_attempt || !worth_retrying(error.kind())) throw;
    }
    // Not inside the catch block: a coroutine cannot co_await there.
    co_await corolab::sleep_for(wait);
    backoff = std::chrono::duration_cast<Duration>(backoff * policy.multiplier);
  }
}

}  // namespace lesson16
