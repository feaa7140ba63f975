#pragma once
// What an HTTP server receives and sends back.

#include <string>
#include <string_view>

#include "corolab/http/body_writer.hpp"
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

struct Response {
  int status = 200;
  Headers headers;
  std::string body;
  BodyWriter write_body;  // empty, as a rule: the server sends the body with the head

  static Response text(int status, std::string body,
                       std::string content_type = "text/plain; charset=utf-8");

  // True if the handler asked for "Connection: close": the server then
  // closes the connection after this response.
  bool closes_connection() const noexcept;
};

// "OK" for 200, "Not Found" for 404, ...
std::string_view reason_phrase(int status) noexcept;

}  // namespace corolab::http
