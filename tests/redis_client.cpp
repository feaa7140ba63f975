// The Redis client against a real redis-server on loopback, one per test
// case, on a free port (redis_server.hpp): commands, binary-safe values,
// arrays, error replies, pipelining, replies split across reads, timeouts,
// cancellation, Redis going away and coming back, and URLs.
//
// Real time: a real server answers in its own time. The waits are lower
// bounds only (a timeout must not fire early); none bounds how fast the
// machine must be.
#include <array>
#include <catch2/catch.hpp>
#include <chrono>
#include <optional>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <system_error>
#include <vector>

#include "async_test_helpers.hpp"
#include "child_process.hpp"
#include "corolab/corolab.hpp"
#include "corolab/redis/client.hpp"
#include "redis_server.hpp"

using namespace std::chrono_literals;
using corolab::Task;
using corolab::redis::Backoff;
using corolab::redis::Client;
using corolab::redis::ClientOptions;
using corolab::redis::ConnectionError;
using corolab::redis::Reply;
using corolab::redis::ReplyError;
using corolab::redis::RetryNotice;
using corolab::redis::Url;
using Commands = std::vector<std::vector<std::string>>;

namespace {

Url url_of(const RedisServer& server) { return Url::parse(server.url()); }

// The number after "name:" in INFO's text ("blocked_clients:1").
long info_field(const std::string& info, const std::string& name) {
  const std::size_t at = info.find(name + ":");
  REQUIRE(at != std::string::npos);
  return std::stol(info.substr(at + name.size() + 1));
}

// Waits (polling through another client) until Redis has `count` clients
// blocked in BLPOP: then a command is surely in flight.
Task<void> until_blocked(Client* observer, long count) {
  while (true) {
    Reply info = co_await observer->command("INFO", "clients");
    if (info_field(info.as_string(), "blocked_clients") == count) co_return;
    co_await corolab::sleep_for(2ms);
  }
}

Task<void> basic_commands(Url url) {
  Client redis = co_await Client::connect(url);
  Reply set = co_await redis.command("SET", "greeting", "hello");
  CHECK(set == Reply::status("OK"));
  Reply get = co_await redis.command("GET", "greeting");
  CHECK(get == Reply::string("hello"));
  CHECK(get.as_optional_string() == "hello");

  Reply first = co_await redis.command("INCR", "counter");
  Reply second = co_await redis.command("INCR", "counter");
  CHECK(first.as_integer() == 1);
  CHECK(second.as_integer() == 2);

  Reply deleted = co_await redis.command("DEL", "greeting", "counter", "never-set");
  CHECK(deleted == Reply::from_integer(2));
  Reply missing = co_await redis.command("GET", "greeting");
  CHECK(missing.is_nil());
  CHECK(missing.as_optional_string() == std::nullopt);
  CHECK_THROWS_AS(missing.as_integer(), corolab::redis::UnexpectedReply);

  // The vector form, for commands built at run time.
  std::vector<std::string> args{"ECHO", "built at run time"};
  Reply echo = co_await redis.command(args);
  CHECK(echo.as_string() == "built at run time");
  CHECK(redis.connections_made() == 1);
}

Task<void> binary_values(Url url) {
  Client redis = co_await Client::connect(url);
  const std::string key("key\0with\r\nodd bytes", 19);
  const std::string value("a\0b\r\n$3\r\n*1\r\n\0\xff", 16);
  Reply set = co_await redis.command("SET", key, value);
  CHECK(set == Reply::status("OK"));
  Reply get = co_await redis.command("GET", key);
  CHECK(get.as_string() == value);
  Reply length = co_await redis.command("STRLEN", key);
  CHECK(length.as_integer() == 16);
}

Task<void> arrays(Url url) {
  Client redis = co_await Client::connect(url);
  Reply pushed = co_await redis.command("RPUSH", "list", "a", "b", "c");
  CHECK(pushed.as_integer() == 3);
  Reply range = co_await redis.command("LRANGE", "list", "0", "-1");
  CHECK(range == Reply::array({Reply::string("a"), Reply::string("b"), Reply::string("c")}));
  Reply empty = co_await redis.command("LRANGE", "no-such-list", "0", "-1");
  CHECK(empty == Reply::array({}));

  co_await redis.command("HSET", "hash", "f1", "v1", "f2", "v2");
  Reply all = co_await redis.command("HGETALL", "hash");
  REQUIRE(all.as_array().size() == 4);
  CHECK(all.as_array()[0].as_string() == "f1");  // a small hash keeps insertion order
  CHECK(all.as_array()[3].as_string() == "v2");

  // Nested: EXEC answers with an array of the queued commands' replies.
  Commands transaction{{"MULTI"}, {"INCR", "n"}, {"LRANGE", "list", "0", "1"}, {"EXEC"}};
  std::vector<Reply> replies = co_await redis.pipeline(transaction);
  REQUIRE(replies.size() == 4);
  CHECK(replies[1] == Reply::status("QUEUED"));
  CHECK(replies[3] == Reply::array({Reply::from_integer(1),
                                    Reply::array({Reply::string("a"), Reply::string("b")})}));
}

Task<void> error_replies(Url url) {
  Client redis = co_await Client::connect(url);
  co_await redis.command("SET", "text", "not a list");
  const std::string wrongtype = "WRONGTYPE Operation against a key holding the wrong kind of value";
  std::optional<ReplyError> error;
  try {
    co_await redis.command("LPUSH", "text", "x");
  } catch (const ReplyError& e) {
    error = e;
  }
  REQUIRE(error);
  CHECK(error->reply_text() == wrongtype);
  CHECK(error->code() == "WRONGTYPE");
  CHECK(std::string(error->what()) ==
        "redis at 127.0.0.1:" + std::to_string(url.port) + ": LPUSH: " + wrongtype);
  CHECK_THROWS_WITH(co_await redis.command("NO-SUCH-COMMAND"), Catch::Contains("ERR unknown"));
  std::vector<std::string> nothing;
  CHECK_THROWS_AS(co_await redis.command(nothing), std::invalid_argument);

  // The whole reply was read: the connection carries on, the same one.
  Reply get = co_await redis.command("GET", "text");
  CHECK(get.as_string() == "not a list");
  CHECK(redis.connections_made() == 1);
}

Task<void> pipelined(Url url) {
  Client redis = co_await Client::connect(url);
  Commands increments(1000, std::vector<std::string>{"INCR", "counter"});
  std::vector<Reply> replies = co_await redis.pipeline(increments);
  REQUIRE(replies.size() == 1000);
  for (std::size_t i = 0; i < replies.size(); ++i) {
    if (replies[i].as_integer() != static_cast<long long>(i + 1))
      FAIL("reply " << i << " out of order");
  }

  // An error reply is one value among the others; the rest ran.
  Commands mixed{{"SET", "s", "v"}, {"LPUSH", "s", "x"}, {"GET", "s"}};
  std::vector<Reply> answers = co_await redis.pipeline(mixed);
  REQUIRE(answers.size() == 3);
  CHECK(answers[0] == Reply::status("OK"));
  CHECK(answers[1].is_error());
  CHECK(answers[1].text.starts_with("WRONGTYPE"));
  CHECK(answers[2] == Reply::string("v"));

  const Commands no_commands;
  std::vector<Reply> none = co_await redis.pipeline(no_commands);
  CHECK(none.empty());
  CHECK(redis.connections_made() == 1);
}

Task<void> big_value(Url url) {
  Client redis = co_await Client::connect(url);
  std::string value(1 << 20, '\0');
  for (std::size_t i = 0; i < value.size(); ++i) value[i] = static_cast<char>(i % 251);
  co_await redis.command("SET", "big", value);
  Reply get = co_await redis.command("GET", "big");  // 64 reads of 16 KiB, at least
  CHECK(get.as_string().size() == value.size());
  CHECK(get.as_string() == value);
}

Task<void> timed_out(Url url) {
  ClientOptions options;
  options.command_timeout = 50ms;
  Client redis = co_await Client::connect(url, options);
  const corolab::TimePoint start = corolab::EventLoop::current().now();
  std::string message;
  try {
    co_await redis.command("BLPOP", "empty-list", "5");  // Redis would answer nil after 5 s
  } catch (const corolab::TimeoutError& error) {         // a redis::TimeoutError is one
    message = error.what();
  }
  CHECK(corolab::EventLoop::current().now() - start >= 50ms);
  CHECK(message ==
        "redis at 127.0.0.1:" + std::to_string(url.port) + ": BLPOP timed out after 0.05 s");
  CHECK_FALSE(redis.is_connected());  // closed: BLPOP's nil is still to come on it

  // On a new connection, ECHO gets its own reply, not BLPOP's late nil.
  Reply echo = co_await redis.command("ECHO", "after");
  CHECK(echo == Reply::string("after"));
  CHECK(redis.connections_made() == 2);

  // A timeout of its own for one command.
  std::vector<std::string> blpop{"BLPOP", "empty-list", "5"};
  CHECK_THROWS_AS(co_await redis.command(blpop, 20ms), corolab::redis::TimeoutError);
  Reply pong = co_await redis.command("PING");
  CHECK(pong == Reply::status("PONG"));
}

Task<void> blpop_until_cancelled(Client* client, bool* cancelled) {
  std::vector<std::string> blpop{"BLPOP", "empty-list", "0"};  // 0: for ever
  try {
    co_await client->command(blpop, 1h);
  } catch (const corolab::OperationCancelled&) {
    *cancelled = true;
  }
}

Task<void> cancelled(Url url) {
  Client blocked = co_await Client::connect(url);
  Client observer = co_await Client::connect(url);
  Reply first_id = co_await blocked.command("CLIENT", "ID");

  std::stop_source stop;
  bool was_cancelled = false;
  corolab::TaskGroup group;
  group.spawn(
      test_helpers::under_token(blpop_until_cancelled(&blocked, &was_cancelled), stop.get_token()));
  co_await until_blocked(&observer, 1);
  stop.request_stop();
  co_await group.join();
  CHECK(was_cancelled);
  CHECK_FALSE(blocked.is_connected());

  // Usable again, on a new connection; Redis has let go of the old one.
  Reply second_id = co_await blocked.command("CLIENT", "ID");
  CHECK(second_id.as_integer() != first_id.as_integer());
  CHECK(blocked.connections_made() == 2);
  co_await until_blocked(&observer, 0);
}

Task<void> turns(Client* client, std::string counter, int times) {
  long long last = 0;
  for (int i = 0; i < times; ++i) {
    Reply reply = co_await client->command("INCR", counter);
    CHECK(reply.as_integer() > last);  // this coroutine's own replies, in order
    last = reply.as_integer();
  }
}

Task<void> concurrent_commands(Url url) {
  Client redis = co_await Client::connect(url);
  corolab::TaskGroup group;
  group.spawn(turns(&redis, "shared", 100));
  group.spawn(turns(&redis, "shared", 100));
  group.spawn(turns(&redis, "own", 100));
  co_await group.join();
  Reply shared = co_await redis.command("GET", "shared");
  Reply own = co_await redis.command("GET", "own");
  CHECK(shared.as_string() == "200");
  CHECK(own.as_string() == "100");
  CHECK(redis.connections_made() == 1);
}

Task<void> blpop_until_error(Client* client, std::string* error) {
  std::vector<std::string> blpop{"BLPOP", "empty-list", "0"};
  try {
    co_await client->command(blpop, 1h);
  } catch (const ConnectionError& e) {
    *error = e.what();
  }
}

Task<void> stopped_mid_command(RedisServer* server) {
  Client blocked = co_await Client::connect(url_of(*server));
  Client observer = co_await Client::connect(url_of(*server));
  std::string error;
  corolab::TaskGroup group;
  group.spawn(blpop_until_error(&blocked, &error));
  co_await until_blocked(&observer, 1);
  server->stop();
  co_await group.join();
  CHECK(error == "redis at " + server->address() + ": the server closed the connection");
  CHECK_FALSE(blocked.is_connected());
}

Task<void> stopped_and_restarted(RedisServer* server) {
  Client redis = co_await Client::connect(url_of(*server));
  co_await redis.command("SET", "k", "v");

  server->stop();
  // The first command after the stop may find its connection closed before
  // sending (and fail to connect again) or, had the server's FIN not yet
  // reached our socket, while reading: a ConnectionError naming the server
  // either way. By the second, the connection is surely gone.
  std::optional<ConnectionError> first;
  try {
    co_await redis.command("GET", "k");
  } catch (const ConnectionError& e) {
    first = e;
  }
  REQUIRE(first);
  CHECK(first->address() == server->address());
  std::optional<ConnectionError> second;
  try {
    co_await redis.command("GET", "k");
  } catch (const ConnectionError& e) {
    second = e;
  }
  REQUIRE(second);
  CHECK(std::string(second->what()) ==
        "redis at " + server->address() + ": connect: Connection refused");
  CHECK(second->code() == std::errc::connection_refused);

  server->start();  // the same port, an empty server (nothing persisted)
  Reply get = co_await redis.command("GET", "k");
  CHECK(get.is_nil());
  CHECK(redis.connections_made() == 2);

  // Restarted while the client sat idle: the client notices its connection
  // was closed before it sends anything, and connects again. No error.
  server->stop();
  server->start();
  Reply pong = co_await redis.command("PING");
  CHECK(pong == Reply::status("PONG"));
  CHECK(redis.connections_made() == 3);
}

Task<void> connect_to_nothing(std::uint16_t port, std::optional<ConnectionError>* error) {
  const Url url = Url::parse("redis://127.0.0.1:" + std::to_string(port));
  try {
    co_await Client::connect(url);
  } catch (const ConnectionError& e) {
    *error = e;
  }
}

// Answers whatever it is sent the way a web server answers nonsense.
Task<void> web_server(corolab::TcpListener* listener) {
  corolab::TcpStream client = co_await listener->accept();
  std::array<std::byte, 256> request;
  co_await client.read_some(request);
  co_await client.write_all(std::string_view("HTTP/1.1 400 Bad Request\r\n\r\n"));
  co_await client.read_some(request);  // until the client hangs up
}

Task<void> connect_to_web_server(std::string* error) {
  auto listener = corolab::TcpListener::bind(corolab::SocketAddress::loopback(0));
  corolab::TaskGroup group;
  group.spawn(web_server(&listener));
  const Url url = Url::parse("redis://" + listener.local_address().to_string());
  try {
    co_await Client::connect(url);
  } catch (const ConnectionError& e) {
    *error = e.what();
  }
  co_await group.join();
}

Task<void> databases(RedisServer* server) {
  Client db3 = co_await Client::connect(Url::parse(server->url() + "/3"));
  Client db0 = co_await Client::connect(url_of(*server));
  co_await db3.command("SET", "where", "three");
  Reply in_3 = co_await db3.command("GET", "where");
  Reply in_0 = co_await db0.command("GET", "where");
  CHECK(in_3.as_string() == "three");
  CHECK(in_0.is_nil());

  const Url no_such_db = Url::parse(server->url() + "/99");
  CHECK_THROWS_WITH(co_await Client::connect(no_such_db),
                    "redis at " + server->address() +
                        ": SELECT 99 (the URL's database): ERR DB index is out of range");
}

// Starts the server again when told of the `start_at`-th failed attempt.
Backoff short_backoff(RedisServer* server, std::vector<std::string>* notices, int start_at) {
  Backoff backoff;
  backoff.first_delay = 10ms;
  backoff.max_delay = 20ms;
  backoff.on_retry = [server, notices, start_at](const RetryNotice& notice) {
    notices->push_back(notice.message());
    if (static_cast<int>(notices->size()) == start_at) server->start();
  };
  return backoff;
}

Task<void> connect_with_retry(RedisServer* server, std::vector<std::string>* notices) {
  server->stop();
  Task<Client> connecting = Client::connect_with_retry(url_of(*server), ClientOptions{},
                                                       short_backoff(server, notices, 3));
  Client redis = co_await std::move(connecting);
  Reply pong = co_await redis.command("PING");
  CHECK(pong == Reply::status("PONG"));
}

Task<void> retry_gives_up(std::uint16_t port, std::vector<std::string>* notices) {
  Backoff backoff;
  backoff.first_delay = 1ms;
  backoff.max_attempts = 3;
  backoff.on_retry = [notices](const RetryNotice& notice) { notices->push_back(notice.error); };
  const Url url = Url::parse("redis://127.0.0.1:" + std::to_string(port));
  Task<Client> connecting = Client::connect_with_retry(url, ClientOptions{}, std::move(backoff));
  CHECK_THROWS_AS(co_await std::move(connecting), ConnectionError);
}

// What a crawl's worker does when Redis goes away: the command fails, the
// worker says so, waits for Redis with backoff, and carries on.
Task<void> worker_rides_out_an_outage(RedisServer* server, std::vector<std::string>* notices) {
  Client redis = co_await Client::connect(url_of(*server));
  co_await redis.command("RPUSH", "frontier", "https://example.org/");
  server->stop();

  bool lost = false;
  try {
    co_await redis.command("LPOP", "frontier");
  } catch (const ConnectionError&) {
    lost = true;  // (no co_await in a handler: reconnect below)
  }
  CHECK(lost);
  co_await redis.reconnect(short_backoff(server, notices, 2));
  Reply pushed = co_await redis.command("RPUSH", "frontier", "https://example.org/a");
  CHECK(pushed.as_integer() == 1);  // a new server: nothing persisted
}

}  // namespace

TEST_CASE("SET, GET, INCR and DEL, and GET of a missing key is nil") {
  RedisServer server;
  corolab::EventLoop loop;
  corolab::sync_wait(basic_commands(url_of(server)));
}

TEST_CASE("keys and values are binary-safe: NUL bytes and CRLF inside") {
  RedisServer server;
  corolab::EventLoop loop;
  corolab::sync_wait(binary_values(url_of(server)));
}

TEST_CASE("arrays come back as arrays: LRANGE, HGETALL, and EXEC's nested ones") {
  RedisServer server;
  corolab::EventLoop loop;
  corolab::sync_wait(arrays(url_of(server)));
}

TEST_CASE("an error reply is a ReplyError with Redis's text, and the client stays usable") {
  RedisServer server;
  corolab::EventLoop loop;
  corolab::sync_wait(error_replies(url_of(server)));
}

TEST_CASE("a pipeline of 1,000 commands returns 1,000 replies in order, errors as values") {
  RedisServer server;
  corolab::EventLoop loop;
  corolab::sync_wait(pipelined(url_of(server)));
}

TEST_CASE("a 1 MiB value is read across many reads, byte for byte") {
  RedisServer server;
  corolab::EventLoop loop;
  corolab::sync_wait(big_value(url_of(server)));
}

TEST_CASE("a command that outlives its timeout fails with TimeoutError, the next reconnects") {
  RedisServer server;
  corolab::EventLoop loop;
  corolab::sync_wait(timed_out(url_of(server)));
}

TEST_CASE("a command cancelled mid-flight leaves the client usable, on a new connection") {
  RedisServer server;
  corolab::EventLoop loop;
  corolab::sync_wait(cancelled(url_of(server)));
}

TEST_CASE("commands from concurrent coroutines take turns on one connection") {
  RedisServer server;
  corolab::EventLoop loop;
  corolab::sync_wait(concurrent_commands(url_of(server)));
}

TEST_CASE("Redis stopping mid-command is a ConnectionError naming the address") {
  RedisServer server;
  corolab::EventLoop loop;
  corolab::sync_wait(stopped_mid_command(&server));
}

TEST_CASE("a stopped server is a ConnectionError, and the client reconnects once it is back") {
  RedisServer server;
  corolab::EventLoop loop;
  corolab::sync_wait(stopped_and_restarted(&server));
}

TEST_CASE("nothing listening: connect fails at once with ConnectionError") {
  corolab::EventLoop loop;
  const std::uint16_t port = free_loopback_ports(1).front();
  std::optional<ConnectionError> error;
  corolab::sync_wait(connect_to_nothing(port, &error));
  REQUIRE(error);
  CHECK(std::string(error->what()) ==
        "redis at 127.0.0.1:" + std::to_string(port) + ": connect: Connection refused");
}

TEST_CASE("a server that does not speak Redis is a clear ConnectionError") {
  corolab::EventLoop loop;
  std::string error;
  corolab::sync_wait(connect_to_web_server(&error));
  CHECK_THAT(error, Catch::StartsWith("redis at 127.0.0.1:") &&
                        Catch::Contains(": not a Redis server? Protocol error"));
}

TEST_CASE("the URL's database is selected on connect, and one Redis lacks is a clear error") {
  RedisServer server;
  corolab::EventLoop loop;
  corolab::sync_wait(databases(&server));
}

TEST_CASE("connect_with_retry waits with capped exponential backoff, and says so") {
  RedisServer server;
  corolab::EventLoop loop;
  std::vector<std::string> notices;
  corolab::sync_wait(connect_with_retry(&server, &notices));
  const std::string unreachable =
      "redis at " + server.address() + " unreachable (connect: Connection refused), retrying in ";
  CHECK(notices == std::vector<std::string>{unreachable + "0.01 s", unreachable + "0.02 s",
                                            unreachable + "0.02 s"});
}

TEST_CASE("connect_with_retry gives up after max_attempts with the last ConnectionError") {
  corolab::EventLoop loop;
  std::vector<std::string> notices;
  corolab::sync_wait(retry_gives_up(free_loopback_ports(1).front(), &notices));
  CHECK(notices == std::vector<std::string>(2, "connect: Connection refused"));
}

TEST_CASE("a worker whose Redis goes away reconnects with backoff and carries on") {
  RedisServer server;
  corolab::EventLoop loop;
  std::vector<std::string> notices;
  corolab::sync_wait(worker_rides_out_an_outage(&server, &notices));
  CHECK(notices.size() == 2);
}

TEST_CASE("backoff delays grow by the multiplier up to the cap") {
  Backoff backoff;  // 100 ms, doubling, at most 5 s
  CHECK(backoff.delay_after(1) == 100ms);
  CHECK(backoff.delay_after(2) == 200ms);
  CHECK(backoff.delay_after(3) == 400ms);
  CHECK(backoff.delay_after(6) == 3200ms);
  CHECK(backoff.delay_after(7) == 5s);
  CHECK(backoff.delay_after(1'000'000) == 5s);
  backoff.multiplier = 1.5;
  CHECK(backoff.delay_after(3) == 225ms);
  const RetryNotice notice{"127.0.0.1:6379", "connect: Connection refused", 1, 1500ms};
  CHECK(notice.message() ==
        "redis at 127.0.0.1:6379 unreachable (connect: Connection refused), retrying in 1.5 s");
}

TEST_CASE("URLs: host, port and database, with defaults") {
  CHECK(Url::parse("redis://localhost") == Url{"localhost", 6379, 0});
  CHECK(Url::parse("redis://127.0.0.1:7000/2") == Url{"127.0.0.1", 7000, 2});
  CHECK(Url::parse("REDIS://cache.example:1/") == Url{"cache.example", 1, 0});
  const Url ipv6 = Url::parse("redis://[::1]:6380/1");
  CHECK(ipv6 == Url{"::1", 6380, 1});
  CHECK(ipv6.address() == "[::1]:6380");
  CHECK(ipv6.to_string() == "redis://[::1]:6380/1");
  CHECK(Url::parse("redis://h").to_string() == "redis://h:6379/0");
}

TEST_CASE("bad URLs are rejected, with the URL and the reason in the message") {
  const std::vector<std::pair<std::string, std::string>> bad{
      {"", "it must start with redis://"},
      {"http://127.0.0.1:6379", "it must start with redis://"},
      {"rediss://cache:6380", "TLS (rediss://) is not supported"},
      {"unix:///run/redis.sock", "Unix sockets are not supported"},
      {"redis://", "no host"},
      {"redis://:6379", "no host"},
      {"redis://host:0", "the port must be a number from 1 to 65535"},
      {"redis://host:65536", "the port must be a number from 1 to 65535"},
      {"redis://host:", "the port must be a number from 1 to 65535"},
      {"redis://host:63x9", "the port must be a number from 1 to 65535"},
      {"redis://host:6379/one", "the path must be a database number"},
      {"redis://host:6379/-1", "the path must be a database number"},
      {"redis://host/0/1", "the path must be a database number"},
      {"redis://user:secret@host", "a user or password is not supported"},
      {"redis://host?db=1", "query parameters are not supported"},
      {"redis://::1:6379", "an IPv6 address goes in brackets"},
      {"redis://[::1:6379", "the IPv6 address has no closing ]"},
      {"redis://[::1]6379", "expected :PORT after ]"},
      {"redis://ho st", "the host has a character hosts do not"},
  };
  for (const auto& [url, reason] : bad) {
    INFO(url);
    CHECK_THROWS_AS(Url::parse(url), std::invalid_argument);
    CHECK_THROWS_WITH(Url::parse(url),
                      Catch::StartsWith("invalid Redis URL \"" + url + "\": " + reason));
  }
}

TEST_CASE("replies print as redis-cli shows them, and read as the wrong type say so") {
  CHECK(to_string(Reply::nil()) == "(nil)");
  CHECK(to_string(Reply::from_integer(-3)) == "(integer) -3");
  CHECK(to_string(Reply::string(std::string("a\"b\\\r\n\0\x7f", 8))) == R"("a\"b\\\r\n\x00\x7F")");
  CHECK(to_string(Reply::status("OK")) == "OK");
  CHECK(to_string(Reply::error("ERR no")) == "(error) ERR no");
  CHECK(to_string(Reply::array({Reply::string("x"), Reply::array({})})) == R"(["x", []])");
  CHECK_THROWS_WITH(Reply::from_integer(1).as_string(), "expected a string reply, got (integer) 1");
  CHECK_THROWS_WITH(Reply::nil().as_array(), "expected an array reply, got (nil)");
}
