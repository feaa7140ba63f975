#include "corolab/testing/faulty_bodies.hpp"

#include <sys/socket.h>

#include <algorithm>

#include "corolab/sleep.hpp"

namespace corolab::testing {

namespace {

// Free coroutines that take copies: a coroutine operator() would hold only
// `this`, and depend on the writer outliving the write.
Task<void> write_in_pieces(TcpStream* stream, std::string_view body, SlowBody slow) {
  const std::size_t piece_size = std::max<std::size_t>(slow.piece_size, 1);
  while (!body.empty()) {
    const std::string_view piece = body.substr(0, piece_size);
    co_await stream->write_all(piece);
    body.remove_prefix(piece.size());
    if (!body.empty()) co_await sleep_for(slow.pause);
  }
}

Task<void> write_half_then_reset(TcpStream* stream, std::string_view body) {
  co_await stream->write_all(body.substr(0, body.size() / 2));
  // SO_LINGER {on, 0 seconds}: closing drops whatever is unsent and sends
  // RST instead of FIN.
  const linger abort_on_close{1, 0};
  ::setsockopt(stream->native_handle(), SOL_SOCKET, SO_LINGER, &abort_on_close,
               sizeof abort_on_close);
  stream->close();
}

}  // namespace

Task<void> SlowBody::operator()(TcpStream& stream, std::string_view body) const {
  return write_in_pieces(&stream, body, *this);
}

Task<void> ResetHalfway::operator()(TcpStream& stream, std::string_view body) const {
  return write_half_then_reset(&stream, body);
}

}  // namespace corolab::testing
