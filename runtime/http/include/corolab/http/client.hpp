#pragma once
// An HTTP client for coroutines, on libcurl's multi-socket API.
//
//   corolab::http::Client client;
//   corolab::http::ClientResponse page = co_await client.get("http://127.0.0.1:8080/");
//
// libcurl does the protocol work (HTTP/1.1 and HTTP/2, TLS, compression,
// connection reuse); corolab does the waiting. curl tells us which sockets
// it wants watched and when it next needs a timeout; our reactor and timer
// heap do the watching; we call curl back when something is ready. Many
// transfers run concurrently on the loop thread, with no threads of curl's.
// (curl_multi_bridge.hpp in the sources tells that story in detail.)

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "corolab/clock.hpp"
#include "corolab/http/bridge_stats.hpp"
#include "corolab/http/headers.hpp"
#include "corolab/task.hpp"

namespace corolab::http {

// Why a transfer failed, in terms a program can act on.
enum class ErrorKind {
  bad_url,    // malformed, or not http/https (requests and redirects alike)
  dns,        // the host name did not resolve
  connect,    // refused or unreachable
  tls,        // handshake or certificate
  timeout,    // connect, total or low-speed timeout
  too_large,  // the body exceeded RequestOptions::max_body_size
  reset,      // the connection broke mid-transfer (reset, EOF before the end)
  other,
};
std::string_view to_string(ErrorKind kind) noexcept;

class HttpError : public std::runtime_error {
 public:
  HttpError(ErrorKind kind, std::string url, const std::string& detail);
  ErrorKind kind() const noexcept { return kind_; }
  const std::string& url() const noexcept { return url_; }

 private:
  ErrorKind kind_;
  std::string url_;
};

struct Timings {
  Duration name_lookup{0};  // each is measured from the start of the transfer
  Duration connect{0};
  Duration tls_handshake{0};
  Duration first_byte{0};
  Duration total{0};
};

struct ClientResponse {
  int status = 0;
  Headers headers;
  std::string effective_url;            // after any redirects curl followed
  std::optional<std::string> location;  // absolute redirect target, when not followed
  std::string body;                     // empty for HEAD, a body callback, or a skipped body
  std::size_t body_size = 0;            // bytes received (decoded)
  bool body_skipped = false;            // RequestOptions::accept_body said no
  bool body_truncated = false;          // cut at max_body_size (RequestOptions::truncate_body)
  long new_connections = 0;             // 0: an existing connection was reused
  int http_version = 0;                 // 11: HTTP/1.1, 20: HTTP/2 (0: none); of the last hop
  Timings timings;
};

struct RequestOptions {
  // #region request_timeouts
  Duration connect_timeout = std::chrono::seconds(10);
  Duration total_timeout = std::chrono::seconds(30);
  // Abort when slower than this many bytes/s for low_speed_time (0: off).
  long low_speed_limit = 0;
  Duration low_speed_time = std::chrono::seconds(30);
  // #endregion request_timeouts
  // The transfer is aborted as soon as the body would exceed this, including
  // at once when Content-Length announces more.
  std::size_t max_body_size = 16 * 1024 * 1024;
  // Instead, keep the first max_body_size bytes and end the transfer there,
  // as a success with body_truncated set: for files that are read up to a
  // limit, such as robots.txt (RFC 9309 2.5: the first 500 KiB, at least).
  bool truncate_body = false;
  bool follow_redirects = false;  // off: the crawler vets every hop itself
  long max_redirects = 5;
  std::string user_agent = "corolab/0.1";
  Headers headers;  // extra request headers: If-None-Match, If-Modified-Since, ...
  // Called with the status and headers before any body byte; returning
  // false skips the body (the response comes back with body_skipped).
  std::function<bool(int status, const Headers& headers)> accept_body;
  // Called with each piece of the body; the response's body then stays empty.
  std::function<void(std::string_view chunk)> on_body_chunk;
};

struct ClientOptions {
  long max_total_connections = 64;  // CURLMOPT_MAX_TOTAL_CONNECTIONS
  long max_host_connections = 8;    // CURLMOPT_MAX_HOST_CONNECTIONS
  // A PEM file of CA certificates to trust for https (CURLOPT_CAINFO), for
  // sites whose certificate a CA of your own signed. Empty: libcurl's default
  // bundle. (It replaces that bundle; Debian's libcurl still reads the
  // system's CA folder, /etc/ssl/certs, as well.) The `{}` lets a designated
  // initializer leave it out without g++'s -Wmissing-field-initializers.
  std::string ca_file{};
};

class CurlMultiBridge;

class Client {
 public:
  // Create and use it on the loop thread.
  explicit Client(ClientOptions options = {});
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Throws HttpError on failure, OperationCancelled when cancelled (the
  // transfer is then removed at once: no late callback, nothing leaked).
  // Any status (404, 500, ...) is a successful transfer: check `status`.
  //
  // Overloads rather than a default argument on purpose: g++ 12 miscompiles a
  // class-type temporary (such as a defaulted RequestOptions{}) created inside
  // a co_await expression: it is copied bitwise, and its strings are freed
  // from the wrong place. Build options in a named variable and pass that.
  Task<ClientResponse> get(std::string url);
  Task<ClientResponse> get(std::string url, RequestOptions options);
  Task<ClientResponse> head(std::string url);
  Task<ClientResponse> head(std::string url, RequestOptions options);

  std::size_t in_flight() const noexcept;
  const BridgeStats& bridge_stats() const noexcept;
  // From now on, `observer` is told every BridgeEvent: for tests, and for
  // watching the bridge work (lesson 14's stage). It must not throw.
  void observe_bridge(std::function<void(const BridgeEvent&)> observer);

 private:
  Task<ClientResponse> fetch(std::string url, RequestOptions options, bool head_only);
  ClientOptions options_;
  std::unique_ptr<CurlMultiBridge> bridge_;
};

}  // namespace corolab::http
