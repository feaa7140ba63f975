#pragma once
// Parsing an HTTP/1.1 request head: a pure function from bytes to a request.
//
// No sockets, no coroutines: that keeps it easy to test with a table of
// cases and to fuzz (tests/fuzz/). The server calls it each time more bytes
// arrive, until the head is complete.

#include <cstddef>
#include <string>
#include <string_view>

#include "corolab/http/message.hpp"

namespace corolab::http {

struct ParsedHead {
  enum class Status {
    complete,    // `request` is filled in; `head_size` bytes were used
    incomplete,  // no blank line yet: read more and call again
    error        // malformed or too large: answer error_status and close
  };
  Status status = Status::incomplete;
  Request request;            // method, target, version, headers (no body)
  std::size_t head_size = 0;  // bytes up to and including the blank line
  int error_status = 400;     // with Status::error: 400, 431 (head too large) or 505 (version)
  std::string error;          // with Status::error: what was wrong, for logs and tests
};

// Parses the request line and header fields at the start of `bytes`.
// Refuses heads longer than `max_head_size` bytes. Never reads past `bytes`.
// Bytes after the head (a body, the next pipelined request) are left alone.
ParsedHead parse_request_head(std::string_view bytes, std::size_t max_head_size = 16 * 1024);

// How many body bytes follow a request head. We frame bodies only by
// Content-Length (no chunked request bodies), and refuse anything that two
// programs could read differently: that is how request smuggling starts.
struct BodyLength {
  std::size_t length = 0;  // 0 without Content-Length
  int error_status = 0;    // 0 if fine; 400 (bad Content-Length) or 501 (Transfer-Encoding)
  std::string error;

  bool ok() const noexcept { return error_status == 0; }
};

BodyLength request_body_length(const Headers& headers);

}  // namespace corolab::http
