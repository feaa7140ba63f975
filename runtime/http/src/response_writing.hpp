#pragma once
// How the server puts a handler's Response on the wire: the checks it must
// pass, the head with the framing fields the server owns, and the write.

#include <string>
#include <string_view>

#include "corolab/http/message.hpp"
#include "corolab/task.hpp"
#include "corolab/tcp_stream.hpp"

namespace corolab::http {

// Why a handler's response cannot be sent as it is; empty if it can.
std::string invalid_response_reason(const Response& response);

// The Connection header to send, if any: "close" when we are going to close;
// "keep-alive" for an HTTP/1.0 client, which would otherwise assume close.
std::string_view connection_header(bool keep_alive, int version_minor) noexcept;

// The status line and headers, then the body (none for HEAD, 204 or 304):
// in one write, unless the response has a body writer of its own.
Task<void> write_response(TcpStream* stream, const Response* response, bool head_only,
                          std::string_view connection);

}  // namespace corolab::http
