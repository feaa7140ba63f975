// TCP on every reactor backend: an echo server with 1,000 concurrent
// clients, and every error a network program meets, reported clearly.
#include <catch2/catch.hpp>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <string>
#include <string_view>
#include <system_error>
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
    const std::string message = "client " + std::to_string(id) + " line " + std::to_string(i) + "\n";
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
  {
    TcpStream accepted = co_await listener->accept();
  }  // the server side closes at once
  const std::string chunk(64 * 1024, 'x');
  for (int i = 0; i < 1000; ++i) co_await client.write_all(chunk);
}

// The server closes with SO_LINGER 0: an RST instead of a FIN.
Task<std::size_t> read_after_reset(corolab::SocketAddress server, TcpListener* listener) {
  TcpStream client = co_await TcpStream::connect(server);
  TcpStream accepted = co_await listener->accept();
  linger abort_on_close{1, 0};
  ::setsockopt(accepted.native_handle(), SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof abort_on_close);
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
    auto error = expect_system_error(write_until_error(address, &listener));
    CHECK((error.code().value() == EPIPE || error.code().value() == ECONNRESET));
    CHECK_THAT(error.what(), Catch::Contains("write to 127.0.0.1:"));
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
