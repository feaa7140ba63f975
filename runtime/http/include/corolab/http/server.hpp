#pragma once
// A small HTTP/1.1 server on the runtime's TCP layer.
//
//   corolab::http::Server server(listener, handler);
//   co_await server.serve();   // until stop(); finishes in-flight responses
//
// One coroutine per connection; keep-alive; pipelining; Content-Length
// bodies (and "Expect: 100-continue"); GET and HEAD (the handler answers
// HEAD like GET, and the server sends the headers without the body). A head
// larger than the limit gets 431, a malformed one 400, and a client that is
// too slow to send its head gets 408 and the connection closed.

#include <cstddef>
#include <functional>
#include <optional>

#include "corolab/clock.hpp"
#include "corolab/detail/intrusive_list.hpp"
#include "corolab/event.hpp"
#include "corolab/http/message.hpp"
#include "corolab/task.hpp"
#include "corolab/task_group.hpp"
#include "corolab/tcp_listener.hpp"

namespace corolab::http {

// What the application provides. (A function object that *returns* a Task,
// e.g. a lambda calling a coroutine function; not a coroutine lambda.)
using Handler = std::function<Task<Response>(Request)>;

struct ServerOptions {
  std::size_t max_head_size = 16 * 1024;
  std::size_t max_body_size = 1024 * 1024;  // request bodies larger than this: 413
  // To receive a whole request (head and body) once its first byte has
  // arrived: else 408. Also how long a new connection may stay silent.
  Duration head_timeout = std::chrono::seconds(10);
  Duration idle_timeout = std::chrono::seconds(30);  // keep-alive connection with no request
};

struct ServerStats {
  std::size_t connections_accepted = 0;
  std::size_t requests_served = 0;  // requests that reached the handler and were answered
  std::size_t bad_requests = 0;     // refused before the handler: 400, 408, 413, 431, 501, 505
};

class Server {
 public:
  Server(TcpListener listener, Handler handler, ServerOptions options = {});
  ~Server();

  const SocketAddress& local_address() const noexcept { return listener_.local_address(); }
  const ServerStats& stats() const noexcept { return stats_; }

  // Accepts and serves connections until stop(); then waits until every
  // response already started has been sent, and returns.
  Task<void> serve();

  // Graceful stop: no new connections or requests; requests under way are
  // answered (with "Connection: close"), idle connections close at once.
  // Loop thread only. A stopped server does not serve again.
  void stop() noexcept;

 private:
  class Connection;  // one client's requests and responses (src/server_connection.hpp)

  Task<void> accept_loop(TaskGroup* connections);
  Task<std::optional<TcpStream>> accept_unless_stopping();
  Task<void> serve_connection(TcpStream stream);

  TcpListener listener_;
  Handler handler_;
  ServerOptions options_;
  ServerStats stats_;
  Event stopping_;
  // Connections waiting for their next request: stop() ends those waits.
  detail::IntrusiveList<Connection> idle_;
};

}  // namespace corolab::http
