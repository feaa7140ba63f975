// The libcurl client against our own server on loopback: results, every
// error kind that can be provoked locally, cancellation mid-transfer,
// redirects, the body cap, connection reuse, and curl's known traps.
#include <sys/resource.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstddef>
#include <exception>
#include <stdexcept>
#include <string>
#include <vector>

#include "backends.hpp"
#include "corolab/corolab.hpp"
#include "corolab/http/client.hpp"
#include "corolab/http/server.hpp"
#include "corolab/testing/faulty_bodies.hpp"

using namespace std::chrono_literals;
using corolab::Task;
using corolab::http::Client;
using corolab::http::ClientResponse;
using corolab::http::ErrorKind;
using corolab::http::HttpError;
using corolab::http::Request;
using corolab::http::RequestOptions;
using corolab::http::Response;

namespace {

// A test site: each path shows one behaviour.
struct TestSite {
  corolab::Event release_slow;    // /slow waits for this
  std::vector<Request> requests;  // every request received, for inspection
  std::string big_body = std::string(200'000, 'x');

  Task<Response> handle(Request request) {
    requests.push_back(request);
    if (request.target == "/slow") {
      co_await release_slow.wait();
      co_return Response::text(200, "finally");
    }
    if (request.target == "/big") co_return Response::text(200, big_body);
    if (request.target == "/trickle") {
      Response response = Response::text(200, big_body);
      response.write_body = corolab::testing::SlowBody{.pause = 2ms, .piece_size = 50'000};
      co_return response;
    }
    if (request.target == "/redirect") {
      Response response = Response::text(302, "");
      response.headers.add("Location", "/hello");
      co_return response;
    }
    if (request.target == "/ftp-redirect") {
      Response response = Response::text(302, "");
      response.headers.add("Location", "ftp://127.0.0.1/file");
      co_return response;
    }
    if (request.target == "/reset") {
      Response response = Response::text(200, big_body);
      response.write_body = corolab::testing::ResetHalfway{};
      co_return response;
    }
    if (request.target == "/missing") co_return Response::text(404, "no such page");
    co_return Response::text(200, "hello from " + request.target);
  }
};

// What a client's libcurl bridge did, event by event. Declared before the
// client, so that it outlives the client's last event.
struct BridgeLog {
  std::vector<corolab::http::BridgeEvent> events;

  // For Client::observe_bridge.
  auto recorder() {
    return [this](const corolab::http::BridgeEvent& event) { events.push_back(event); };
  }

  template <typename Matches>
  std::ptrdiff_t count(Matches matches) const {
    return std::count_if(events.begin(), events.end(), matches);
  }
};

// A transfer on loopback takes milliseconds, even under AddressSanitizer; a
// test body still running after this long, on the loop's clock, waits for
// something the bridge will never do: tell curl of a socket's readiness
// again (a watch not re-armed), hand back a transfer curl has finished (a
// curl_multi_info_read queue not drained), or call curl when its deadline
// moves (a timer coroutine not woken, which turns each GET into a 10 s wait).
constexpr corolab::Duration kTestBodyBound = 5s;

// Runs `body` with a server for `site` on loopback, then stops the server.
// The body must finish within kTestBodyBound.
template <typename Body>
Task<void> with_server(TestSite* site, Body body) {
  auto listener = corolab::TcpListener::bind(corolab::SocketAddress::loopback(0));
  corolab::http::Server server(
      std::move(listener), [site](Request request) { return site->handle(std::move(request)); });
  const std::string base = "http://" + server.local_address().to_string();
  corolab::TaskGroup group;
  group.spawn(server.serve());
  std::exception_ptr failure;
  try {
    Task<void> client_side = corolab::with_timeout(kTestBodyBound, body(base));
    co_await std::move(client_side);
  } catch (const corolab::TimeoutError&) {
    failure = std::make_exception_ptr(std::runtime_error(
        "the test's transfers took over 5 s on the loop's clock, where milliseconds are "
        "enough. Does on_socket_ready re-arm the watch curl still wants? Does "
        "finish_completed_transfers hand back every transfer curl has finished?"));
  } catch (...) {
    failure = std::current_exception();
  }
  site->release_slow.set();
  server.stop();
  co_await group.join();
  if (failure) std::rethrow_exception(failure);
}

ErrorKind error_kind_of(Client* client, std::string url, RequestOptions options) {
  try {
    corolab::sync_wait(client->get(std::move(url), std::move(options)));
  } catch (const HttpError& error) {
    return error.kind();
  }
  FAIL("expected an HttpError");
  return ErrorKind::other;
}

// --- the client-side bodies ------------------------------------------------

// Counts a bad_url refusal, and checks that no transfer is left in curl's
// hands once this one is back: every transfer finished with it was removed.
Task<void> expect_bad_url(Client* client, std::string url, int* refused) {
  try {
    co_await client->get(std::move(url));
  } catch (const HttpError& error) {
    if (error.kind() == ErrorKind::bad_url) ++*refused;
  }
  CHECK(client->in_flight() == 0);
}

Task<void> get_and_head(std::string base, Client* client) {
  ClientResponse page = co_await client->get(base + "/hello");
  CHECK(page.status == 200);
  CHECK(page.body == "hello from /hello");
  CHECK(page.effective_url == base + "/hello");
  CHECK(page.headers.get("content-type") == "text/plain; charset=utf-8");
  CHECK(page.timings.total >= page.timings.first_byte);

  ClientResponse head = co_await client->head(base + "/big");
  CHECK(head.status == 200);
  CHECK(head.body.empty());
  CHECK(head.headers.get("Content-Length") == "200000");

  ClientResponse missing = co_await client->get(base + "/missing");
  CHECK(missing.status == 404);  // an HTTP error status is a successful transfer
}

Task<void> fetch_one(Client* client, std::string url, int* ok) {
  ClientResponse response = co_await client->get(std::move(url));
  if (response.status == 200 && response.body.starts_with("hello")) ++*ok;
}

Task<void> thousand_concurrent(std::string base, Client* client, int* ok) {
  std::vector<Task<void>> fetches;
  for (int i = 0; i < 1000; ++i)
    fetches.push_back(fetch_one(client, base + "/page-" + std::to_string(i), ok));
  co_await corolab::when_all(std::move(fetches));
}

Task<void> sequential_reuse(std::string base, Client* client, std::vector<long>* new_connections) {
  for (int i = 0; i < 3; ++i) {
    ClientResponse response = co_await client->get(base + "/again");
    new_connections->push_back(response.new_connections);
  }
}

Task<void> redirects(std::string base, Client* client) {
  ClientResponse not_followed = co_await client->get(base + "/redirect");
  CHECK(not_followed.status == 302);
  REQUIRE(not_followed.location.has_value());
  CHECK(*not_followed.location == base + "/hello");  // made absolute by curl

  // Skipping the body of a redirect (as a crawler does) still gives the Location.
  RequestOptions no_body;
  no_body.accept_body = [](int, const corolab::http::Headers&) { return false; };
  ClientResponse skipped = co_await client->get(base + "/redirect", no_body);
  CHECK(skipped.status == 302);
  REQUIRE(skipped.location.has_value());
  CHECK(*skipped.location == base + "/hello");

  RequestOptions follow;
  follow.follow_redirects = true;
  ClientResponse followed = co_await client->get(base + "/redirect", follow);
  CHECK(followed.status == 200);
  CHECK(followed.effective_url == base + "/hello");
}

Task<void> request_headers_sent(std::string base, Client* client, TestSite* site) {
  RequestOptions options;
  options.user_agent = "corolab-test/1";
  options.headers.add("If-None-Match", "\"v1\"");
  options.headers.add("If-Modified-Since", "Sun, 22 Nov 2026 00:00:00 GMT");
  ClientResponse response = co_await client->get(base + "/conditional", options);
  CHECK(response.status == 200);
  const Request& seen = site->requests.back();
  CHECK(seen.headers.get("User-Agent") == "corolab-test/1");
  CHECK(seen.headers.get("If-None-Match") == "\"v1\"");
  CHECK(seen.headers.get("If-Modified-Since") == "Sun, 22 Nov 2026 00:00:00 GMT");
  auto encodings = seen.headers.get("Accept-Encoding");
  REQUIRE(encodings.has_value());
  CHECK_THAT(std::string(*encodings), Catch::Contains("gzip"));
}

Task<void> body_control(std::string base, Client* client) {
  RequestOptions skip;
  skip.accept_body = [](int status, const corolab::http::Headers& headers) {
    return status == 200 && headers.get("Content-Type").value_or("").starts_with("text/html");
  };
  ClientResponse skipped = co_await client->get(base + "/big", skip);
  CHECK(skipped.status == 200);
  CHECK(skipped.body_skipped);
  CHECK(skipped.body.empty());

  std::size_t streamed = 0;
  RequestOptions stream;
  stream.on_body_chunk = [&streamed](std::string_view chunk) { streamed += chunk.size(); };
  ClientResponse streamed_response = co_await client->get(base + "/big", stream);
  CHECK(streamed == 200'000);
  CHECK(streamed_response.body.empty());
  CHECK(streamed_response.body_size == 200'000);
}

// The body arrives in four pieces, 2 ms apart: curl reads a piece and still
// wants the socket readable, so it says nothing, and the bridge must watch
// again by itself after each readiness.
Task<void> trickling_body(std::string base, Client* client) {
  ClientResponse response = co_await client->get(base + "/trickle");
  CHECK(response.status == 200);
  CHECK(response.body_size == 200'000);
}

// Transfers that curl finishes in one call (three URLs it refuses at once,
// at the first tick) are all handed back, not one per call of curl.
Task<void> finished_together(Client* client, int* refused) {
  std::vector<Task<void>> gets;
  for (const char* url : {"http://[::1", "ftp://127.0.0.1/", "file:///etc/passwd"})
    gets.push_back(expect_bad_url(client, url, refused));
  Task<void> all = corolab::when_all(std::move(gets));
  try {
    co_await corolab::with_timeout(kTestBodyBound, std::move(all));
  } catch (const corolab::TimeoutError&) {
    FAIL("of three transfers curl finished in one call, only "
         << *refused << " came back: does finish_completed_transfers read every message?");
  }
}

// On virtual time: the timeout fires exactly 30 ms after the request
// started, and takes no real time; by then the handler has the request.
Task<void> cancelled_mid_transfer(std::string base, Client* client, TestSite* site) {
  const corolab::TimePoint start = corolab::EventLoop::current().now();
  Task<ClientResponse> slow = client->get(base + "/slow");
  CHECK_THROWS_AS(co_await corolab::with_timeout(30ms, std::move(slow)), corolab::TimeoutError);
  CHECK(corolab::EventLoop::current().now() - start == 30ms);
  CHECK(site->requests.size() == 1);  // the server was answering: the cancel came mid-transfer
  CHECK(client->in_flight() == 0);    // removed at once: no late callback can reach it
  // The client is still fine afterwards.
  ClientResponse after = co_await client->get(base + "/hello");
  CHECK(after.status == 200);
}

Task<void> timeout_error(std::string base, Client* client, ErrorKind* kind) {
  RequestOptions options;
  options.total_timeout = 100ms;
  try {
    co_await client->get(base + "/slow", options);
  } catch (const HttpError& error) {
    *kind = error.kind();
  }
}

Task<void> too_large(std::string base, Client* client, ErrorKind* kind) {
  RequestOptions options;
  options.max_body_size = 1000;  // /big announces 200,000 bytes in Content-Length
  try {
    co_await client->get(base + "/big", options);
  } catch (const HttpError& error) {
    *kind = error.kind();
  }
}

Task<void> reset_mid_body(std::string base, Client* client, ErrorKind* kind) {
  try {
    co_await client->get(base + "/reset");
  } catch (const HttpError& error) {
    *kind = error.kind();
  }
}

Task<void> redirect_to_ftp(std::string base, Client* client, ErrorKind* kind) {
  RequestOptions follow;
  follow.follow_redirects = true;
  try {
    co_await client->get(base + "/ftp-redirect", follow);
  } catch (const HttpError& error) {
    *kind = error.kind();
  }
}

Task<void> by_host_name(std::string base, Client* client) {
  // "localhost" goes through curl's threaded resolver, whose helper thread
  // talks to curl over a socket curl announces like any other.
  const std::string port = base.substr(base.rfind(':') + 1);
  ClientResponse response = co_await client->get("http://localhost:" + port + "/hello");
  CHECK(response.status == 200);
}

// A server that answers with no Content-Length and streams until close:
// the body cap must stop the transfer as the bytes arrive.
Task<void> endless_body_server(corolab::TcpListener* listener) {
  corolab::TcpStream client = co_await listener->accept();
  std::array<std::byte, 1024> request;
  co_await client.read_some(request);
  co_await client.write_all(std::string_view("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n"));
  const std::string chunk(16 * 1024, 'y');
  for (int i = 0; i < 1000; ++i) co_await client.write_all(chunk);
}

Task<void> cap_without_content_length(Client* client, ErrorKind* kind) {
  auto listener = corolab::TcpListener::bind(corolab::SocketAddress::loopback(0));
  corolab::TaskGroup group;
  group.spawn(endless_body_server(&listener));
  RequestOptions options;
  options.max_body_size = 50'000;
  try {
    co_await client->get("http://" + listener.local_address().to_string() + "/", options);
  } catch (const HttpError& error) {
    *kind = error.kind();
  }
  group.cancel();
  try {
    co_await group.join();
  } catch (const std::system_error&) {
    // the server's writes fail once the client hangs up: expected
  }
}

// truncate_body: the first max_body_size bytes, and a success, whether the
// body announced its size (Content-Length) or not.
Task<void> truncated_bodies(std::string base, Client* client) {
  RequestOptions options;
  options.max_body_size = 1000;  // /big announces 200,000 bytes
  options.truncate_body = true;
  ClientResponse cut = co_await client->get(base + "/big", options);
  CHECK(cut.status == 200);
  CHECK(cut.body_truncated);
  CHECK(cut.body == std::string(1000, 'x'));
  CHECK(cut.body_size == 1000);

  std::size_t streamed = 0;
  RequestOptions stream = options;
  stream.on_body_chunk = [&streamed](std::string_view chunk) { streamed += chunk.size(); };
  ClientResponse streamed_response = co_await client->get(base + "/big", stream);
  CHECK(streamed_response.body_truncated);
  CHECK(streamed == 1000);

  RequestOptions roomy = options;
  roomy.max_body_size = 200'000;  // exactly the body: nothing to cut
  ClientResponse whole = co_await client->get(base + "/big", roomy);
  CHECK_FALSE(whole.body_truncated);
  CHECK(whole.body.size() == 200'000);
}

Task<void> truncated_without_content_length(Client* client, ClientResponse* response) {
  auto listener = corolab::TcpListener::bind(corolab::SocketAddress::loopback(0));
  corolab::TaskGroup group;
  group.spawn(endless_body_server(&listener));
  RequestOptions options;
  options.max_body_size = 50'000;
  options.truncate_body = true;
  const std::string url = "http://" + listener.local_address().to_string() + "/";
  *response = co_await client->get(url, options);
  group.cancel();
  try {
    co_await group.join();
  } catch (const std::system_error&) {
    // the server's writes fail once the client hangs up: expected
  }
}

void raise_file_limit() {
  rlimit limit{};
  ::getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &limit);
}

}  // namespace

TEST_CASE("GET and HEAD return status, headers, body and timings") {
  auto kind = GENERATE(from_range(every_reactor_kind()));
  corolab::EventLoop loop{kind};
  TestSite site;
  Client client;
  corolab::sync_wait(
      with_server(&site, [&](std::string base) { return get_and_head(base, &client); }));
}

TEST_CASE("1,000 concurrent requests on one loop") {
  raise_file_limit();
  auto kind = GENERATE(from_range(every_reactor_kind()));
  corolab::EventLoop loop{kind};
  TestSite site;
  Client client({.max_total_connections = 64, .max_host_connections = 64});
  int ok = 0;
  corolab::sync_wait(with_server(
      &site, [&](std::string base) { return thousand_concurrent(base, &client, &ok); }));
  CHECK(ok == 1000);
  CHECK(client.in_flight() == 0);
}

TEST_CASE("connections are reused (seen through curl's CURLINFO_NUM_CONNECTS)") {
  corolab::EventLoop loop;
  TestSite site;
  Client client;
  std::vector<long> new_connections;
  corolab::sync_wait(with_server(
      &site, [&](std::string base) { return sequential_reuse(base, &client, &new_connections); }));
  CHECK(new_connections == std::vector<long>{1, 0, 0});
}

TEST_CASE("redirects are not followed unless asked, and Location comes back absolute") {
  corolab::EventLoop loop;
  TestSite site;
  Client client;
  corolab::sync_wait(
      with_server(&site, [&](std::string base) { return redirects(base, &client); }));
}

TEST_CASE("user agent, conditional headers and Accept-Encoding reach the server") {
  corolab::EventLoop loop;
  TestSite site;
  Client client;
  corolab::sync_wait(with_server(
      &site, [&](std::string base) { return request_headers_sent(base, &client, &site); }));
}

TEST_CASE("the body can be skipped after the headers, or streamed in pieces") {
  corolab::EventLoop loop;
  TestSite site;
  Client client;
  corolab::sync_wait(
      with_server(&site, [&](std::string base) { return body_control(base, &client); }));
}

TEST_CASE("a body over the cap can be truncated there instead of failing") {
  corolab::EventLoop loop;
  TestSite site;
  Client client;
  corolab::sync_wait(
      with_server(&site, [&](std::string base) { return truncated_bodies(base, &client); }));
  ClientResponse endless;
  corolab::sync_wait(truncated_without_content_length(&client, &endless));
  CHECK(endless.body_truncated);
  CHECK(endless.body == std::string(50'000, 'y'));
  CHECK(client.in_flight() == 0);
}

TEST_CASE("a body that arrives in pieces is read to the end (the watch is re-armed)") {
  auto kind = GENERATE(from_range(every_reactor_kind()));
  corolab::EventLoop loop{kind};
  TestSite site;
  BridgeLog log;
  Client client;
  client.observe_bridge(log.recorder());
  corolab::sync_wait(
      with_server(&site, [&](std::string base) { return trickling_body(base, &client); }));
  using Kind = corolab::http::BridgeEvent::Kind;
  auto count = [&log](auto matches) { return log.count(matches); };
  // curl asked for reading less often than the socket became readable.
  CHECK(count([](const auto& e) { return e.kind == Kind::watch && e.read; }) <
        count([](const auto& e) { return e.kind == Kind::socket_ready && e.read; }));
}

TEST_CASE("transfers curl finishes together are all handed back") {
  corolab::EventLoop loop;
  Client client;
  int refused = 0;
  corolab::sync_wait(finished_together(&client, &refused));
  CHECK(refused == 3);
  CHECK(client.in_flight() == 0);
}

TEST_CASE("cancelling the awaiting task removes the transfer cleanly") {
  auto kind = GENERATE(from_range(every_reactor_kind()));
  corolab::EventLoop loop(virtual_time_on(kind));
  TestSite site;
  Client client;
  corolab::sync_wait(with_server(
      &site, [&](std::string base) { return cancelled_mid_transfer(base, &client, &site); }));
}

TEST_CASE("failures come back as typed HttpErrors") {
  corolab::EventLoop loop;
  TestSite site;
  Client client;
  ErrorKind kind = ErrorKind::other;

  SECTION("timeout") {
    corolab::sync_wait(
        with_server(&site, [&](std::string base) { return timeout_error(base, &client, &kind); }));
    CHECK(kind == ErrorKind::timeout);
  }
  SECTION("too large, announced by Content-Length") {
    corolab::sync_wait(
        with_server(&site, [&](std::string base) { return too_large(base, &client, &kind); }));
    CHECK(kind == ErrorKind::too_large);
  }
  SECTION("too large, found while streaming a body of unknown length") {
    corolab::sync_wait(cap_without_content_length(&client, &kind));
    CHECK(kind == ErrorKind::too_large);
  }
  SECTION("connection reset mid-body") {
    corolab::sync_wait(
        with_server(&site, [&](std::string base) { return reset_mid_body(base, &client, &kind); }));
    CHECK(kind == ErrorKind::reset);
  }
  SECTION("a redirect to a protocol other than http or https") {
    corolab::sync_wait(with_server(
        &site, [&](std::string base) { return redirect_to_ftp(base, &client, &kind); }));
    CHECK(kind == ErrorKind::bad_url);
  }
  SECTION("connection refused") {
    auto listener = corolab::TcpListener::bind(corolab::SocketAddress::loopback(0));
    const std::string url = "http://" + listener.local_address().to_string() + "/";
    listener.close();
    CHECK(error_kind_of(&client, url, {}) == ErrorKind::connect);
  }
  SECTION("malformed URLs and other schemes") {
    CHECK(error_kind_of(&client, "http://[::1", {}) == ErrorKind::bad_url);
    CHECK(error_kind_of(&client, "ftp://127.0.0.1/file", {}) == ErrorKind::bad_url);
    CHECK(error_kind_of(&client, "file:///etc/passwd", {}) == ErrorKind::bad_url);
  }
  CHECK(client.in_flight() == 0);
}

// What curl asked of the bridge during one GET, and what the bridge told
// curl back: the socket callback and the timer callback at work.
TEST_CASE("the bridge watches the sockets curl names, and calls curl when they are ready") {
  auto kind = GENERATE(from_range(every_reactor_kind()));
  corolab::EventLoop loop{kind};
  TestSite site;
  BridgeLog log;
  Client client;
  client.observe_bridge(log.recorder());
  corolab::sync_wait(
      with_server(&site, [&](std::string base) { return get_and_head(base, &client); }));

  using Kind = corolab::http::BridgeEvent::Kind;
  const std::vector<corolab::http::BridgeEvent>& events = log.events;
  auto count = [&log](auto matches) { return log.count(matches); };
  REQUIRE_FALSE(events.empty());
  // Adding a transfer: curl asks to be called back at once (timeout 0).
  CHECK(events.front().kind == Kind::timer);
  CHECK(events.front().timeout_ms == 0);
  CHECK(count([](const auto& e) { return e.kind == Kind::timer_fired; }) > 0);
  // Connecting: curl wants to know when the socket is writable...
  CHECK(count([](const auto& e) { return e.kind == Kind::watch && e.write; }) > 0);
  // ...then, waiting for the response, readable; and the reactor said so.
  CHECK(count([](const auto& e) { return e.kind == Kind::watch && e.read && !e.write; }) > 0);
  CHECK(count([](const auto& e) { return e.kind == Kind::socket_ready && e.read; }) > 0);
  CHECK(count([](const auto& e) { return e.kind == Kind::socket_ready && e.write; }) > 0);
  // Only sockets curl named are ever reported ready.
  for (const auto& ready : events) {
    if (ready.kind != Kind::socket_ready) continue;
    CHECK(count([&ready](const auto& e) { return e.kind == Kind::watch && e.fd == ready.fd; }) > 0);
  }
}

// The traps of curl's multi-socket API, provoked for real; the counters say
// they happened, and every transfer still completed.
TEST_CASE("curl's multi-socket traps are provoked and handled") {
  auto kind = GENERATE(from_range(every_reactor_kind()));
  corolab::EventLoop loop{kind};
  TestSite site;
  Client client;
  int ok = 0;
  corolab::sync_wait(with_server(
      &site, [&](std::string base) { return thousand_concurrent(base, &client, &ok); }));
  corolab::sync_wait(
      with_server(&site, [&](std::string base) { return by_host_name(base, &client); }));
  CHECK(ok == 1000);
  const auto& stats = client.bridge_stats();
  CHECK(stats.timer_immediate > 0);  // timeout 0: "as soon as possible", answered on the next tick
  CHECK(stats.timer_deletes > 0);    // timeout -1: delete the timer
  CHECK(stats.timer_fired > 0);
  // Each server stop closes the connections; curl closes its end through our
  // close callback, which forgets the fd, then says REMOVE for a socket we
  // no longer know: both orders are survived.
  CHECK(stats.sockets_closed > 0);
  CHECK(stats.removes_for_unknown_sockets > 0);
  // The second server's connection got the number of a socket removed
  // before: the reactor had forgotten it, so the new watch works.
  CHECK(stats.fd_numbers_reused > 0);
}
