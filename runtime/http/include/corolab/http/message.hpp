#pragma once
// What an HTTP server receives and sends back.

#include <cstddef>
#include <string>
#include <string_view>

#include "corolab/clock.hpp"
#include "corolab/http/headers.hpp"

namespace corolab::http {

struct Request {
  std::string method;     // "GET", "HEAD", ...
  std::string target;     // "/path?query" as sent
  int version_minor = 1;  // HTTP/1.0 or HTTP/1.1 (a later 1.x is served as 1.1)
  Headers headers;
  std::string body;

  // HTTP/1.1 keeps the connection unless "Connection: close"; 1.0 the reverse.
  bool wants_keep_alive() const noexcept;
};

// Deliberate misbehaviour, so tests and the demo site can show what a client
// does with a slow or broken server. All off by default.
struct ResponseFaults {
  Duration delay_between_chunks{0};  // a slow body: send it in pieces, pausing between them
  std::size_t chunk_size = 1024;
  bool reset_mid_body = false;  // send half the body, then reset the connection (RST)
};

struct Response {
  int status = 200;
  Headers headers;
  std::string body;
  ResponseFaults faults;

  static Response text(int status, std::string body,
                       std::string content_type = "text/plain; charset=utf-8");

  // True if the handler asked for "Connection: close": the server then
  // closes the connection after this response.
  bool closes_connection() const noexcept;
};

// "OK" for 200, "Not Found" for 404, ...
std::string_view reason_phrase(int status) noexcept;

}  // namespace corolab::http
