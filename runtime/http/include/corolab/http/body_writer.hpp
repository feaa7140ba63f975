#pragma once
// BodyWriter: a response that sends its own body.
//
// The server sends a response's head and body in one write. A response may
// carry a BodyWriter instead: the server sends the head (Content-Length
// counts the whole body, as always), then hands the writer the connection
// and the body (empty for HEAD, 204 and 304) to send as it likes.
//
// Tests and the demo site use it to misbehave on purpose, so that the
// server itself has no test-only code: a slow body, a reset halfway
// (corolab/testing/faulty_bodies.hpp). A writer may close the stream: the
// server then forgets the connection.

#include <functional>
#include <string_view>

#include "corolab/task.hpp"
#include "corolab/tcp_stream.hpp"

namespace corolab::http {

// (A function object that *returns* a Task, like Handler; not a coroutine
// lambda, whose captures would die before its frame.)
using BodyWriter = std::function<Task<void>(TcpStream& stream, std::string_view body)>;

}  // namespace corolab::http
