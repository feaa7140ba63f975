#pragma once
// Body writers (http::BodyWriter) that misbehave on purpose, so that a test
// or the demo site can show what a client does with a slow or broken server.
//
//   http::Response response = http::Response::text(200, page);
//   response.write_body = testing::SlowBody{.pause = 100ms, .piece_size = 128};
//
// Each is a plain struct, so a test can also ask a response which one it
// carries: response.write_body.target<testing::SlowBody>().

#include <cstddef>
#include <string_view>

#include "corolab/clock.hpp"
#include "corolab/task.hpp"
#include "corolab/tcp_stream.hpp"

namespace corolab::testing {

// The body in pieces of `piece_size` bytes, with a pause between pieces.
struct SlowBody {
  Duration pause{0};
  std::size_t piece_size = 1024;

  Task<void> operator()(TcpStream& stream, std::string_view body) const;
};

// Half the body, then a reset (RST) instead of the rest: the client reads
// "connection reset by peer", or a body shorter than its Content-Length.
struct ResetHalfway {
  Task<void> operator()(TcpStream& stream, std::string_view body) const;
};

}  // namespace corolab::testing
