// Outcome names, as records and reports print them; a failed fetch's error.
#include "corolab/crawler/outcome.hpp"

#include "corolab/http/client.hpp"

namespace corolab::crawler {

std::string_view to_string(Outcome outcome) noexcept {
  switch (outcome) {
    case Outcome::fetched: return "fetched";
    case Outcome::http_error: return "http_error";
    case Outcome::network_error: return "network_error";
    case Outcome::blocked_by_robots: return "blocked_by_robots";
    case Outcome::out_of_scope: return "out_of_scope";
    case Outcome::too_large: return "too_large";
    case Outcome::not_html: return "not_html";
    case Outcome::redirect: return "redirect";
    case Outcome::duplicate: return "duplicate";
    case Outcome::limit_reached: return "limit_reached";
    case Outcome::nofollow: return "nofollow";
  }
  return "unknown";
}

std::optional<Outcome> outcome_named(std::string_view name) noexcept {
  for (std::size_t i = 0; i < kOutcomeCount; ++i) {
    if (to_string(static_cast<Outcome>(i)) == name) return static_cast<Outcome>(i);
  }
  return std::nullopt;
}

std::string error_text(const http::HttpError& error) {
  std::string text = error.what();
  if (error.kind() == http::ErrorKind::tls) {
    text += " (if a CA of your own signed the site's certificate, trust it with --cacert FILE)";
  }
  return text;
}

}  // namespace corolab::crawler
