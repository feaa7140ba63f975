#include "corolab/http/client.hpp"

#include "curl_multi_bridge.hpp"
#include "transfer.hpp"

namespace corolab::http {

std::string_view to_string(ErrorKind kind) noexcept {
  switch (kind) {
    case ErrorKind::bad_url: return "bad URL";
    case ErrorKind::dns: return "DNS";
    case ErrorKind::connect: return "connect";
    case ErrorKind::tls: return "TLS";
    case ErrorKind::timeout: return "timeout";
    case ErrorKind::too_large: return "too large";
    case ErrorKind::reset: return "reset";
    case ErrorKind::other: return "other";
  }
  return "unknown";
}

HttpError::HttpError(ErrorKind kind, std::string url, const std::string& detail)
    : std::runtime_error(std::string(to_string(kind)) + " error for " + url + ": " + detail),
      kind_(kind),
      url_(std::move(url)) {}

Client::Client(ClientOptions options)
    : options_(std::move(options)), bridge_(std::make_unique<CurlMultiBridge>(options_)) {}
Client::~Client() = default;

std::size_t Client::in_flight() const noexcept { return bridge_->in_flight(); }
const BridgeStats& Client::bridge_stats() const noexcept { return bridge_->stats(); }
void Client::observe_bridge(std::function<void(const BridgeEvent&)> observer) {
  bridge_->observe(std::move(observer));
}

Task<ClientResponse> Client::get(std::string url) {
  return fetch(std::move(url), RequestOptions{}, false);
}

Task<ClientResponse> Client::head(std::string url) {
  return fetch(std::move(url), RequestOptions{}, true);
}

Task<ClientResponse> Client::get(std::string url, RequestOptions options) {
  return fetch(std::move(url), std::move(options), false);
}

Task<ClientResponse> Client::head(std::string url, RequestOptions options) {
  return fetch(std::move(url), std::move(options), true);
}

Task<ClientResponse> Client::fetch(std::string url, RequestOptions options, bool head_only) {
  Transfer transfer(*bridge_, options_, std::move(url), std::move(options), head_only);
  co_await transfer;
  co_return transfer.take_response();
}

}  // namespace corolab::http
