// TCP on every reactor backend: an echo server with 1,000 concurrent
// clients, and every error a network program meets, reported clearly.
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <cerrno>
#include <csignal>
#include <string>
#include <string_view>
#include <system_error>
#include <tuple>
#include <variant>
#include <vector>

#include "backends.hpp"
#include "corolab/corolab.hpp"

using namespace std::chrono_literals;
using corolab::Task;
using corolab::TcpListener;
using corolab::TcpStream;

namespace {

// Serves one connection: echo until the client closes.
Task<void> echo(TcpStream client) {
  std::array<std::byte, 1024> buffer;
  while (true) {
    const std::size_t received = co_await client.read_some(buffer);
    if (received == 0) co_return;
    co_await client.write_all(std::span(buffer.data(), received));
  }
}

Task<void> serve(TcpListener* listener) {
  corolab::TaskGroup connections;
  while (true) {
    TcpStream client = co_await listener->accept();
    connections.spawn(echo(std::move(client)));
  }
}

// Sends a few lines, checks each echo; counts the ones that came back right.
Task<void> echo_client(corolab::SocketAddress server, int id, int* correct_echoes) {
  TcpStream stream = co_await TcpStream::connect(server);
  for (int i = 0; i < 3; ++i) {
    const std::string message =
        "client " + std::to_string(id) + " line " + std::to_string(i) + "\n";
    co_await stream.write_all(message);
    std::string reply(message.size(), '\0');
    co_await stream.read_exact(std::as_writable_bytes(std::span(reply)));
    if (reply == message) ++*correct_echoes;
  }
}

Task<void> many_clients(corolab::SocketAddress server, int count, int* correct_echoes) {
  std::vector<Task<void>> clients;
  for (int id = 0; id < count; ++id) clients.push_back(echo_client(server, id, correct_echoes));
  co_await corolab::when_all(std::move(clients));
}

Task<void> echo_test(int client_count, int* correct_echoes) {
  auto listener = TcpListener::bind(corolab::SocketAddress::loopback(0));
  Task<void> clients = many_clients(listener.local_address(), client_count, correct_echoes);
  Task<void> server = serve(&listener);
  co_await corolab::when_any(std::move(clients), std::move(server));
}

void raise_file_limit() {
  rlimit limit{};
  REQUIRE(::getrlimit(RLIMIT_NOFILE, &limit) == 0);
  limit.rlim_cur = limit.rlim_max;
  REQUIRE(::setrlimit(RLIMIT_NOFILE, &limit) == 0);
}

// Catches the std::system_error a task throws and returns it.
template <typename T>
std::system_error expect_system_error(Task<T> task) {
  try {
    corolab::sync_wait(std::move(task));
  } catch (const std::system_error& error) {
    return error;
  }
  FAIL("expected a std::system_error");
  throw std::logic_error("unreachable");
}

Task<void> connect_to(corolab::SocketAddress address) {
  TcpStream stream = co_await TcpStream::connect(address);
}

// The client writes until the kernel reports the dead peer.
Task<void> write_until_error(corolab::SocketAddress server, TcpListener* listener) {
  TcpStream client = co_await TcpStream::connect(server);
  { TcpStream accepted = co_await listener->accept(); }  // the server side closes at once
  const std::string chunk(64 * 1024, 'x');
  for (int i = 0; i < 1000; ++i) co_await client.write_all(chunk);
}

// The server closes with SO_LINGER 0: an RST instead of a FIN.
Task<std::size_t> read_after_reset(corolab::SocketAddress server, TcpListener* listener) {
  TcpStream client = co_await TcpStream::connect(server);
  TcpStream accepted = co_await listener->accept();
  linger abort_on_close{1, 0};
  ::setsockopt(accepted.native_handle(), SOL_SOCKET, SO_LINGER, &abort_on_close,
               sizeof abort_on_close);
  accepted.close();
  std::array<std::byte, 16> buffer;
  co_return co_await client.read_some(buffer);
}

Task<void> read_exact_past_end(corolab::SocketAddress server, TcpListener* listener) {
  TcpStream client = co_await TcpStream::connect(server);
  TcpStream accepted = co_await listener->accept();
  co_await accepted.write_all(std::string_view("abc"));
  accepted.shutdown_write();
  std::array<std::byte, 10> buffer;
  co_await client.read_exact(buffer);
}

Task<void> accept_with_no_descriptors_left(corolab::SocketAddress server, TcpListener* listener) {
  TcpStream client = co_await TcpStream::connect(server);
  // Use up every descriptor number the limit allows, then accept.
  rlimit saved{};
  ::getrlimit(RLIMIT_NOFILE, &saved);
  const int lowest_free = ::dup(0);
  ::close(lowest_free);
  rlimit tight = saved;
  tight.rlim_cur = static_cast<rlim_t>(lowest_free);
  ::setrlimit(RLIMIT_NOFILE, &tight);
  struct RestoreLimit {
    rlimit saved;
    ~RestoreLimit() { ::setrlimit(RLIMIT_NOFILE, &saved); }
  } restore{saved};
  TcpStream accepted = co_await listener->accept();
}

Task<void> read_forever(TcpStream* stream, bool* cancelled) {
  std::array<std::byte, 16> buffer;
  try {
    co_await stream->read_some(buffer);
  } catch (const corolab::OperationCancelled&) {
    *cancelled = true;
  }
}

Task<void> cancel_a_read(corolab::SocketAddress server, TcpListener* listener, bool* cancelled) {
  TcpStream client = co_await TcpStream::connect(server);
  TcpStream accepted = co_await listener->accept();
  corolab::TaskGroup group;
  group.spawn(read_forever(&client, cancelled));
  co_await corolab::sleep_for(10ms);
  group.cancel();
  co_await group.join();
}

Task<int> read_while_closed(TcpStream* stream) {
  std::array<std::byte, 16> buffer;
  try {
    co_await stream->read_some(buffer);
  } catch (const std::system_error& error) {
    co_return error.code().value();
  }
  co_return 0;
}

Task<void> close_it_soon(TcpStream* stream) {
  co_await corolab::sleep_for(10ms);
  stream->close();
}

Task<int> close_under_a_reader(corolab::SocketAddress server, TcpListener* listener) {
  TcpStream client = co_await TcpStream::connect(server);
  TcpStream accepted = co_await listener->accept();
  Task<int> reader = read_while_closed(&client);
  Task<void> closer = close_it_soon(&client);
  auto [error, nothing] = co_await corolab::when_all(std::move(reader), std::move(closer));
  co_return error;
}

Task<std::vector<corolab::SocketAddress>> resolve_localhost() {
  auto addresses = co_await corolab::resolve("localhost", 8080);
  co_return addresses;
}

Task<std::vector<corolab::SocketAddress>> resolve_nothing() {
  auto addresses = co_await corolab::resolve("", 80);
  co_return addresses;
}

// --- Lesson 12: try first, partial writes, resets --------------------------

// One increment per tick of the loop, until *stop: a coroutine that waits
// for the loop (instead of finishing at once) lets this count grow.
Task<void> count_ticks(long* ticks, const bool* stop) {
  while (!*stop) {
    ++*ticks;
    co_await corolab::yield();
  }
}

struct TicksSpent {
  long writing = -1;
  long reading = -1;
};

// #region try_first_test_body
// A write that fits in the kernel's buffer, and a read of data already
// there: both can finish in their first system call, so neither should
// wait a tick for the loop.
Task<void> write_and_read_at_once(corolab::SocketAddress server, TcpListener* listener,
                                  TicksSpent* spent) {
  TcpStream client = co_await TcpStream::connect(server);
  TcpStream accepted = co_await listener->accept();
  long ticks = 0;
  bool stop = false;
  corolab::EventLoop::current().spawn(count_ticks(&ticks, &stop), "tick counter");
  co_await corolab::yield();  // the counter starts

  long before = ticks;
  co_await accepted.write_all(std::string_view("ping"));
  spent->writing = ticks - before;

  co_await corolab::wait_readable(client.native_handle());  // "ping" is there now
  std::array<std::byte, 16> buffer;
  before = ticks;
  const std::size_t received = co_await client.read_some(buffer);
  spent->reading = ticks - before;
  CHECK(received == 4);
  // #endregion try_first_test_body

  stop = true;
  co_await corolab::yield();  // the counter ends
}

// Bytes that say where they are (0, 1, ..., 250, 0, 1, ...): a piece sent
// twice, or skipped, shows.
std::string numbered_bytes(std::size_t size) {
  std::string bytes(size, '\0');
  for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>(i % 251);
  return bytes;
}

// Where two byte strings first differ (std::string::npos if they don't, up
// to the shorter one's end): a readable message instead of a megabyte dump.
std::size_t first_difference(const std::string& a, const std::string& b) {
  const std::size_t common = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < common; ++i) {
    if (a[i] != b[i]) return i;
  }
  return std::string::npos;
}

// Small kernel buffers on both sides, so a big write cannot go out in one
// send(): the kernel takes part of it, then says EAGAIN until the reader
// makes room.
void shrink_buffers(TcpStream& writer, TcpStream& reader) {
  const int size = 16 * 1024;
  ::setsockopt(writer.native_handle(), SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
  ::setsockopt(reader.native_handle(), SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
}

struct SlowTransfer {
  std::string received;
  int reads = 0;
  corolab::Duration write_all_took{};
};

Task<void> write_then_close(TcpStream* writer, const std::string* data, corolab::Duration* took) {
  const corolab::TimePoint start = corolab::EventLoop::current().now();
  co_await writer->write_all(*data);
  *took = corolab::EventLoop::current().now() - start;
  writer->shutdown_write();
}

// Reads 64 KiB at most, then naps 1 ms, until the end of the stream.
Task<void> read_slowly(TcpStream* reader, SlowTransfer* transfer) {
  std::vector<std::byte> buffer(64 * 1024);
  while (true) {
    const std::size_t received = co_await reader->read_some(buffer);
    if (received == 0) co_return;
    transfer->received.append(reinterpret_cast<const char*>(buffer.data()), received);
    ++transfer->reads;
    co_await corolab::sleep_for(1ms);
  }
}

Task<void> large_write_to_slow_reader(corolab::SocketAddress server, TcpListener* listener,
                                      const std::string* data, SlowTransfer* transfer) {
  TcpStream client = co_await TcpStream::connect(server);
  TcpStream accepted = co_await listener->accept();
  shrink_buffers(client, accepted);
  Task<void> writer = write_then_close(&client, data, &transfer->write_all_took);
  Task<void> reader = read_slowly(&accepted, transfer);
  Task<std::tuple<std::monostate, std::monostate>> both =
      corolab::when_all(std::move(writer), std::move(reader));
  // A write_all that waits for the wrong thing fails here, instead of hanging.
  co_await corolab::with_timeout(10s, std::move(both));
}

// Counts SIGPIPEs while it lives, instead of dying of the first one: a write
// to a closed peer must be an error the caller can handle, never a signal
// that kills the process.
class SigpipeCounter {
 public:
  SigpipeCounter() {
    count_ = 0;
    struct sigaction counting {};
    counting.sa_handler = [](int) { count_ = count_ + 1; };
    sigemptyset(&counting.sa_mask);
    ::sigaction(SIGPIPE, &counting, &saved_);
  }
  ~SigpipeCounter() { ::sigaction(SIGPIPE, &saved_, nullptr); }
  SigpipeCounter(const SigpipeCounter&) = delete;
  SigpipeCounter& operator=(const SigpipeCounter&) = delete;
  int count() const noexcept { return count_; }

 private:
  static inline volatile std::sig_atomic_t count_ = 0;
  struct sigaction saved_ {};
};

Task<void> write_forever(TcpStream* writer) {
  const std::string chunk(64 * 1024, 'x');
  while (true) co_await writer->write_all(chunk);
}

// Reads a little, then resets the connection (SO_LINGER 0: an RST, not a FIN).
Task<void> read_then_reset(TcpStream* reader) {
  std::array<std::byte, 1024> buffer;
  co_await reader->read_exact(buffer);
  linger abort_on_close{1, 0};
  ::setsockopt(reader->native_handle(), SOL_SOCKET, SO_LINGER, &abort_on_close,
               sizeof abort_on_close);
  reader->close();
}

Task<void> reset_during_a_large_write(corolab::SocketAddress server, TcpListener* listener) {
  TcpStream client = co_await TcpStream::connect(server);
  TcpStream accepted = co_await listener->accept();
  shrink_buffers(client, accepted);
  Task<void> writer = write_forever(&client);
  Task<void> resetter = read_then_reset(&accepted);
  Task<std::tuple<std::monostate, std::monostate>> both =
      corolab::when_all(std::move(writer), std::move(resetter));
  co_await corolab::with_timeout(10s, std::move(both));
}

}  // namespace

TEST_CASE("an echo server holds 1,000 concurrent clients on one thread") {
  raise_file_limit();
  auto kind = GENERATE(from_range(every_reactor_kind()));
  CAPTURE(corolab::to_string(kind));
  corolab::EventLoop loop{kind};
  int correct_echoes = 0;
  corolab::sync_wait(echo_test(1000, &correct_echoes));
  CHECK(correct_echoes == 3000);
  CHECK(loop.reactor().watch_count() == 0);
}

TEST_CASE("network errors are std::system_error naming the operation and the address") {
  auto kind = GENERATE(from_range(every_reactor_kind()));
  CAPTURE(corolab::to_string(kind));
  corolab::EventLoop loop{kind};
  auto listener = TcpListener::bind(corolab::SocketAddress::loopback(0));
  const corolab::SocketAddress address = listener.local_address();

  SECTION("connection refused") {
    listener.close();
    auto error = expect_system_error(connect_to(address));
    CHECK(error.code().value() == ECONNREFUSED);
    CHECK_THAT(error.what(), Catch::Contains("connect to " + address.to_string()));
  }
  SECTION("writing to a closed peer: EPIPE or ECONNRESET, never SIGPIPE") {
    SigpipeCounter sigpipes;
    auto error = expect_system_error(write_until_error(address, &listener));
    CHECK((error.code().value() == EPIPE || error.code().value() == ECONNRESET));
    CHECK_THAT(error.what(), Catch::Contains("write to 127.0.0.1:"));
    INFO("a SIGPIPE was raised: send() needs MSG_NOSIGNAL to report EPIPE instead");
    CHECK(sigpipes.count() == 0);
  }
  SECTION("reading from a reset connection: ECONNRESET") {
    auto error = expect_system_error(read_after_reset(address, &listener));
    CHECK(error.code().value() == ECONNRESET);
    CHECK_THAT(error.what(), Catch::Contains("read from 127.0.0.1:"));
  }
  SECTION("read_exact when the stream ends early") {
    auto error = expect_system_error(read_exact_past_end(address, &listener));
    CHECK_THAT(error.what(), Catch::Contains("stream ended after 3 of 10 bytes"));
  }
  SECTION("accept with no file descriptors left: EMFILE") {
    auto error = expect_system_error(accept_with_no_descriptors_left(address, &listener));
    CHECK(error.code().value() == EMFILE);
    CHECK_THAT(error.what(), Catch::Contains("accept on " + address.to_string()));
  }
  SECTION("binding an address in use: EADDRINUSE") {
    auto bind_again = [&] { TcpListener::bind(address); };
    CHECK_THROWS_WITH(bind_again(), Catch::Contains("bind " + address.to_string()));
  }
}

TEST_CASE("try the system call first: a write that fits and a read of waiting data take no tick") {
  auto kind = GENERATE(from_range(every_reactor_kind()));
  CAPTURE(corolab::to_string(kind));
  corolab::EventLoop loop{kind};
  auto listener = TcpListener::bind(corolab::SocketAddress::loopback(0));
  TicksSpent spent;
  corolab::sync_wait(write_and_read_at_once(listener.local_address(), &listener, &spent));
  INFO("waiting for readiness *before* the system call costs a trip through the loop");
  CHECK(spent.writing == 0);
  CHECK(spent.reading == 0);
}

// #region partial_write_test
TEST_CASE(
    "a large write to a slow reader arrives whole and in order (write_all loops over partial "
    "writes)") {
  auto kind = GENERATE(from_range(every_reactor_kind()));
  CAPTURE(corolab::to_string(kind));
  corolab::EventLoop loop{kind};
  auto listener = TcpListener::bind(corolab::SocketAddress::loopback(0));
  const std::string data = numbered_bytes(1024 * 1024);
  SlowTransfer transfer;
  corolab::sync_wait(
      large_write_to_slow_reader(listener.local_address(), &listener, &data, &transfer));
  CHECK(transfer.received.size() == data.size());
  CHECK(first_difference(transfer.received, data) == std::string::npos);
  CHECK(transfer.reads > 1);
  // The kernel could not take it all at once: write_all had to wait for the reader.
  CHECK(transfer.write_all_took >= 1ms);
  CHECK(loop.reactor().watch_count() == 0);
}
// #endregion partial_write_test

TEST_CASE(
    "a peer that resets during a large write: write_all throws ECONNRESET or EPIPE, no SIGPIPE") {
  auto kind = GENERATE(from_range(every_reactor_kind()));
  CAPTURE(corolab::to_string(kind));
  corolab::EventLoop loop{kind};
  auto listener = TcpListener::bind(corolab::SocketAddress::loopback(0));
  SigpipeCounter sigpipes;
  auto error = expect_system_error(reset_during_a_large_write(listener.local_address(), &listener));
  CHECK((error.code().value() == ECONNRESET || error.code().value() == EPIPE));
  CHECK_THAT(error.what(), Catch::Contains("write to 127.0.0.1:"));
  INFO("a SIGPIPE was raised: send() needs MSG_NOSIGNAL to report EPIPE instead");
  CHECK(sigpipes.count() == 0);
}

// On virtual time: the 10 ms the reader waits before the cancel (or the
// close) take no real time, and are exactly 10 ms on the loop's clock.
TEST_CASE("a read waiting on a socket is cancellable and unregisters from the reactor") {
  auto kind = GENERATE(from_range(every_reactor_kind()));
  corolab::EventLoop loop(virtual_time_on(kind));
  auto listener = TcpListener::bind(corolab::SocketAddress::loopback(0));
  const corolab::TimePoint start = loop.now();
  bool cancelled = false;
  corolab::sync_wait(cancel_a_read(listener.local_address(), &listener, &cancelled));
  CHECK(cancelled);
  CHECK(loop.now() - start == 10ms);
  CHECK(loop.reactor().watch_count() == 0);
}

TEST_CASE("closing a socket wakes a coroutine waiting on it, which sees EBADF") {
  auto kind = GENERATE(from_range(every_reactor_kind()));
  corolab::EventLoop loop(virtual_time_on(kind));
  auto listener = TcpListener::bind(corolab::SocketAddress::loopback(0));
  const corolab::TimePoint start = loop.now();
  CHECK(corolab::sync_wait(close_under_a_reader(listener.local_address(), &listener)) == EBADF);
  CHECK(loop.now() - start == 10ms);
}

TEST_CASE("name resolution runs off the loop thread") {
  corolab::EventLoop loop;
  auto addresses = corolab::sync_wait(resolve_localhost());
  REQUIRE_FALSE(addresses.empty());
  for (const auto& address : addresses) CHECK(address.port() == 8080);

  try {
    corolab::sync_wait(resolve_nothing());
    FAIL("resolving an empty name should fail");
  } catch (const std::system_error& error) {
    CHECK(&error.code().category() == &corolab::resolver_category());
    CHECK_THAT(error.what(), Catch::Contains("resolve"));
  }
}

TEST_CASE("socket addresses parse and print") {
  CHECK(corolab::SocketAddress::parse("127.0.0.1", 80).to_string() == "127.0.0.1:80");
  CHECK(corolab::SocketAddress::parse("::1", 8080).to_string() == "[::1]:8080");
  CHECK_THROWS_AS(corolab::SocketAddress::parse("localhost", 80), std::invalid_argument);
}
