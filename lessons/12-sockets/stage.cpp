// Lesson 12 stage: sockets as awaitables, on one thread.
//
//   1. An echo server and 2,000 clients (fewer if the file descriptor limit
//      is too low), 10 messages each, all on one thread: how many were open
//      at once, how many messages came back, and how long it took.
//   2. A partial write: one send() of 8 MiB on a non-blocking socket takes
//      only part of it; write_all sends the rest, waiting for the reader.
//   3. Peer trouble as errors: a reset connection, and a write to a closed
//      peer (EPIPE, not SIGPIPE: the process lives on to print it).
//
// Under COROLAB_TRACE, part 1 has 20 clients: the trace stays readable.
#include <fmt/format.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <corolab/event_loop.hpp>
#include <corolab/sleep.hpp>
#include <corolab/sync_wait.hpp>
#include <corolab/task_group.hpp>
#include <corolab/tcp_listener.hpp>
#include <corolab/tcp_stream.hpp>
#include <corolab/when_all.hpp>
#include <corolab/when_any.hpp>
#include <cstdlib>
#include <cstring>
#include <span>
#include <stdexcept>
#include <string>
#include <system_error>
#include <tuple>
#include <variant>
#include <vector>

using namespace std::chrono_literals;
using corolab::SocketAddress;
using corolab::Task;
using corolab::TcpListener;
using corolab::TcpStream;

namespace {

constexpr int kWantedClients = 2000;
constexpr int kMessages = 10;

double seconds_since(corolab::TimePoint start) {
  return std::chrono::duration<double>(corolab::EventLoop::current().now() - start).count();
}

// --- 1. Thousands of clients, one thread ----------------------------------

// Every client costs two file descriptors here (its end and the server's).
// The soft limit (often 1024) may be raised up to the hard one without
// privileges; if even that is too low, run fewer clients.
int clients_the_fd_limit_allows(int wanted) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return std::min(wanted, 400);
  limit.rlim_cur = limit.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &limit);
  ::getrlimit(RLIMIT_NOFILE, &limit);
  const rlim_t spare = 64;  // stdin/out/err, the epoll fd, the listener...
  const rlim_t fit = limit.rlim_cur > spare ? (limit.rlim_cur - spare) / 2 : 0;
  return static_cast<int>(std::min<rlim_t>(static_cast<rlim_t>(wanted), fit));
}

struct Crowd {
  int open = 0;
  int peak_open = 0;
  int accepted = 0;
  long echoed = 0;
};

// The server's side of one connection: send back whatever arrives.
Task<void> echo(TcpStream connection) {
  std::array<std::byte, 1024> buffer;
  while (true) {
    const std::size_t received = co_await connection.read_some(buffer);
    if (received == 0) co_return;  // the client closed: end of stream
    co_await connection.write_all(std::span(buffer.data(), received));
  }
}

// Accepts until cancelled; each connection gets a coroutine of its own.
Task<void> serve(TcpListener* listener, Crowd* crowd) {
  corolab::TaskGroup connections;
  while (true) {
    TcpStream connection = co_await listener->accept();
    ++crowd->accepted;
    connections.spawn(echo(std::move(connection)), "echo");
  }
}

Task<void> client(SocketAddress server, int id, Crowd* crowd) {
  TcpStream stream = co_await TcpStream::connect(server);
  crowd->peak_open = std::max(crowd->peak_open, ++crowd->open);
  for (int i = 0; i < kMessages; ++i) {
    const std::string message = fmt::format("client {} message {}\n", id, i);
    co_await stream.write_all(message);
    std::string reply(message.size(), '\0');
    co_await stream.read_exact(std::as_writable_bytes(std::span(reply)));
    if (reply != message) throw std::runtime_error("wrong echo: " + reply);
    ++crowd->echoed;
  }
  --crowd->open;
}

Task<void> all_clients(SocketAddress server, int count, Crowd* crowd) {
  corolab::TaskGroup clients;
  for (int id = 0; id < count; ++id)
    clients.spawn(client(server, id, crowd), fmt::format("client {}", id));
  co_await clients.join();
}

Task<void> crowd_on_one_thread(int count) {
  // A backlog as long as the crowd: connects that arrive together all queue.
  TcpListener listener = TcpListener::bind(SocketAddress::loopback(0), 4096);
  Crowd crowd;
  const corolab::TimePoint start = corolab::EventLoop::current().now();
  // The server never ends by itself: when the clients are done, when_any
  // cancels it (and with it, every echo coroutine still open).
  Task<void> clients = all_clients(listener.local_address(), count, &crowd);
  Task<void> server = serve(&listener, &crowd);
  auto first = co_await corolab::when_any(std::move(clients), std::move(server));
  (void)first;
  fmt::print("   {} connections accepted, {} open at the peak, {} messages echoed, in {:.2f} s\n",
             crowd.accepted, crowd.peak_open, crowd.echoed, seconds_since(start));
}

// --- 2. A partial write -----------------------------------------------------

struct Received {
  std::size_t bytes = 0;
  int reads = 0;
  bool intact = true;
};

// Reads 64 KiB at most, then naps 1 ms, until the end of the stream; checks
// that byte i is i % 251 all along.
Task<void> read_slowly(TcpStream* reader, Received* received) {
  std::vector<std::byte> buffer(64 * 1024);
  while (true) {
    const std::size_t count = co_await reader->read_some(buffer);
    if (count == 0) co_return;
    for (std::size_t i = 0; i < count; ++i) {
      if (static_cast<unsigned char>(buffer[i]) != (received->bytes + i) % 251)
        received->intact = false;
    }
    received->bytes += count;
    ++received->reads;
    co_await corolab::sleep_for(1ms);
  }
}

Task<void> write_rest_then_close(TcpStream* writer, std::span<const std::byte> rest, double* took) {
  const corolab::TimePoint start = corolab::EventLoop::current().now();
  co_await writer->write_all(rest);
  *took = seconds_since(start);
  writer->shutdown_write();
}

Task<void> partial_write() {
  TcpListener listener = TcpListener::bind(SocketAddress::loopback(0));
  TcpStream writer = co_await TcpStream::connect(listener.local_address());
  TcpStream reader = co_await listener.accept();

  std::vector<std::byte> data(8 * 1024 * 1024);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::byte>(i % 251);

  // #region raw_send
  // What write_all is up against: one send() on a non-blocking socket.
  const int fd = writer.native_handle();
  const ssize_t taken = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
  // ...and a second one, for the rest:
  const std::size_t rest = taken > 0 ? static_cast<std::size_t>(taken) : 0;
  const ssize_t again = ::send(fd, data.data() + rest, data.size() - rest, MSG_NOSIGNAL);
  const int again_error = errno;
  // #endregion raw_send
  fmt::print("   send() of {} bytes: the kernel took {}; the next send(): {}\n", data.size(), taken,
             again == -1 ? std::strerror(again_error) : fmt::format("{} more", again));

  const std::size_t sent =
      static_cast<std::size_t>(std::max<ssize_t>(taken, 0) + std::max<ssize_t>(again, 0));
  double took = 0;
  Received received;
  Task<void> writing = write_rest_then_close(&writer, std::span(data).subspan(sent), &took);
  Task<void> reading = read_slowly(&reader, &received);
  auto done = co_await corolab::when_all(std::move(writing), std::move(reading));
  (void)done;
  fmt::print("   write_all sent the other {} bytes in {:.0f} ms, as the reader made room\n",
             data.size() - sent, took * 1000);
  fmt::print("   the reader got {} bytes in {} reads, {}\n", received.bytes, received.reads,
             received.intact ? "every byte in its place" : "DAMAGED");
}

// --- 3. Peer trouble ----------------------------------------------------------

// The server side closes with SO_LINGER 0: the kernel sends a reset (RST),
// not an orderly end of stream (FIN).
void reset(TcpStream& connection) {
  const int fd = connection.native_handle();
  linger abort_on_close{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof abort_on_close);
  connection.close();
}

Task<void> read_from_a_reset_peer() {
  TcpListener listener = TcpListener::bind(SocketAddress::loopback(0));
  TcpStream stream = co_await TcpStream::connect(listener.local_address());
  TcpStream server_side = co_await listener.accept();
  reset(server_side);
  std::array<std::byte, 16> buffer;
  try {
    const std::size_t count = co_await stream.read_some(buffer);
    fmt::print("   read_some returned {} bytes?\n", count);
  } catch (const std::system_error& error) {
    fmt::print("   a reset peer:  std::system_error \"{}\"\n", error.what());
  }
}

Task<void> write_to_a_closed_peer() {
  TcpListener listener = TcpListener::bind(SocketAddress::loopback(0));
  TcpStream stream = co_await TcpStream::connect(listener.local_address());
  TcpStream server_side = co_await listener.accept();
  server_side.close();  // an orderly close: but we keep writing
  const std::string chunk(64 * 1024, 'x');
  std::size_t written = 0;
  try {
    while (true) {
      co_await stream.write_all(chunk);
      written += chunk.size();
    }
  } catch (const std::system_error& error) {
    fmt::print("   a closed peer: std::system_error \"{}\" ({} KiB went out first)\n", error.what(),
               written / 1024);
  }
}

}  // namespace

int main() {
  corolab::EventLoop loop;
  const bool tracing = std::getenv("COROLAB_TRACE") != nullptr;
  const int clients = tracing ? 20 : clients_the_fd_limit_allows(kWantedClients);

  fmt::print("1. an echo server and {} clients x {} messages, one thread ({} reactor)\n", clients,
             kMessages, corolab::to_string(loop.reactor().kind()));
  if (tracing)
    fmt::print("   (COROLAB_TRACE is set: 20 clients, so that the trace stays readable)\n");
  if (!tracing && clients < kWantedClients) {
    fmt::print("   (the file descriptor limit allows only {} clients: see `ulimit -Hn`)\n",
               clients);
  }
  corolab::sync_wait(crowd_on_one_thread(clients));

  fmt::print("\n2. a partial write: 8 MiB to a reader that takes 64 KiB per millisecond\n");
  corolab::sync_wait(partial_write());

  fmt::print("\n3. peer trouble, as errors the caller can catch\n");
  corolab::sync_wait(read_from_a_reset_peer());
  corolab::sync_wait(write_to_a_closed_peer());
  fmt::print(
      "   (still alive: send() with MSG_NOSIGNAL reports EPIPE instead of raising SIGPIPE)\n");
}
