// The HTTP/1.1 server on every reactor backend, driven by a raw TCP client
// that writes request bytes and reads responses: bodies, HEAD, keep-alive,
// pipelining, refused requests, timeouts, graceful stop, body writers (and
// corolab::testing's faulty ones), and many
// concurrent clients. The tests that involve the server's timers (head and
// idle timeouts, a slow handler, a slow body) run on virtual time: client
// and server share the loop, so the timeouts are exact and take no real time.
#include <sys/resource.h>

#include <array>
#include <catch2/catch.hpp>
#include <cctype>
#include <cerrno>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "backends.hpp"
#include "corolab/corolab.hpp"
#include "corolab/http/server.hpp"
#include "corolab/testing/faulty_bodies.hpp"

using namespace std::chrono_literals;
using corolab::Duration;
using corolab::EventLoop;
using corolab::SocketAddress;
using corolab::Task;
using corolab::TcpListener;
using corolab::TcpStream;
using corolab::http::Handler;
using corolab::http::Headers;
using corolab::http::Request;
using corolab::http::Response;
using corolab::http::Server;
using corolab::http::ServerOptions;

namespace {

// --- The application under test ---------------------------------------------

// "0123456789012...": a body whose every byte can be checked.
std::string numbered_body(std::size_t size) {
  std::string body(size, '0');
  for (std::size_t i = 0; i < size; ++i) body[i] = static_cast<char>('0' + i % 10);
  return body;
}

struct TestApp {
  corolab::Event slow_handler_started;
  std::vector<std::string> bodies_given_to_writer;

  Handler handler();
};

Task<void> write_upper_case(TcpStream* stream, std::string body) {
  for (char& c : body) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  co_await stream->write_all(body);
}

// A body writer (http::BodyWriter) of the test's own: it notes the body it
// is given and sends it upper-cased, so that the client can tell who wrote it.
struct ShoutingWriter {
  std::vector<std::string>* bodies_given;

  Task<void> operator()(TcpStream& stream, std::string_view body) const {
    bodies_given->emplace_back(body);
    return write_upper_case(&stream, std::string(body));
  }
};

Task<Response> respond(Request request, TestApp* app) {
  if (request.target == "/echo") co_return Response::text(200, request.body);
  if (request.target == "/throw") throw std::runtime_error("the handler fails on purpose");
  if (request.target == "/slow") {
    app->slow_handler_started.set();
    co_await corolab::sleep_for(100ms);
    co_return Response::text(200, "slow but complete\n");
  }
  if (request.target == "/slow-body") {
    Response response = Response::text(200, numbered_body(10'000));
    response.write_body = corolab::testing::SlowBody{.pause = 1ms, .piece_size = 1000};
    co_return response;
  }
  if (request.target == "/reset") {
    Response response = Response::text(200, numbered_body(200'000));
    response.write_body = corolab::testing::ResetHalfway{};
    co_return response;
  }
  if (request.target == "/shout") {
    Response response = Response::text(200, "quiet words\n");
    response.write_body = ShoutingWriter{&app->bodies_given_to_writer};
    co_return response;
  }
  if (request.target == "/no-content") {
    Response response;
    response.status = 204;
    response.body = "a 204 has no body, whatever the handler says";
    co_return response;
  }
  if (request.target == "/wrong-length") {
    Response response = Response::text(200, "abc");
    response.headers.add("Content-Length", "999");
    co_return response;
  }
  if (request.target == "/bye") {
    Response response = Response::text(200, "bye\n");
    response.headers.add("Connection", "close");
    co_return response;
  }
  if (request.target == "/split") {
    Response response = Response::text(200, "x");
    response.headers.add("X-Echo", "a\r\nSet-Cookie: stolen=1");
    co_return response;
  }
  co_return Response::text(200, "you asked for " + request.target + "\n");
}

Handler TestApp::handler() {
  return [this](Request request) -> Task<Response> {
    // A handler can also fail before it even has a task to return.
    if (request.target == "/throw-at-once") throw std::logic_error("no task for you");
    return respond(std::move(request), this);
  };
}

// --- A raw HTTP client --------------------------------------------------------

std::string get(std::string_view target, std::string_view extra_headers = "") {
  return "GET " + std::string(target) + " HTTP/1.1\r\nHost: test\r\n" + std::string(extra_headers) +
         "\r\n";
}

struct ClientResponse {
  int status = 0;
  Headers headers;
  std::string body;
};

// The connection ended before the response did.
class ShortRead : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Bytes after one response stay in `buffer` for the next (pipelining).
struct RawClient {
  TcpStream stream;
  std::string buffer;
};

Task<RawClient> connect_client(SocketAddress address) {
  RawClient client;
  client.stream = co_await TcpStream::connect(address);
  co_return client;
}

// Appends what arrives to the buffer; false at end of stream.
Task<bool> read_more(RawClient* client) {
  std::array<std::byte, 4096> chunk;
  const std::size_t received = co_await client->stream.read_some(chunk);
  client->buffer.append(reinterpret_cast<const char*>(chunk.data()), received);
  co_return received > 0;
}

// "HTTP/1.1 200 OK\r\nName: value\r\n..." (without the blank line)
ClientResponse parse_response_head(std::string_view head) {
  ClientResponse response;
  REQUIRE(head.substr(0, 9) == "HTTP/1.1 ");
  response.status = std::stoi(std::string(head.substr(9, 3)));
  head.remove_prefix(head.find("\r\n") + 2);
  while (!head.empty()) {
    const std::string_view line = head.substr(0, head.find("\r\n"));
    const std::size_t colon = line.find(": ");
    REQUIRE(colon != std::string_view::npos);
    response.headers.add(std::string(line.substr(0, colon)), std::string(line.substr(colon + 2)));
    head.remove_prefix(line.size() + 2);
  }
  return response;
}

// One response: the head up to the blank line, then Content-Length bytes of
// body (none after a HEAD request).
Task<ClientResponse> read_response(RawClient* client, bool head_request = false) {
  std::size_t head_end = client->buffer.find("\r\n\r\n");
  while (head_end == std::string::npos) {
    const bool more = co_await read_more(client);
    if (!more) throw ShortRead("the connection ended inside a response head");
    head_end = client->buffer.find("\r\n\r\n");
  }
  ClientResponse response =
      parse_response_head(std::string_view(client->buffer).substr(0, head_end + 2));
  client->buffer.erase(0, head_end + 4);

  const std::string_view content_length = response.headers.get("Content-Length").value_or("0");
  const std::size_t length = head_request ? 0 : std::stoul(std::string(content_length));
  while (client->buffer.size() < length) {
    const bool more = co_await read_more(client);
    if (!more) throw ShortRead("the connection ended inside a response body");
  }
  response.body = client->buffer.substr(0, length);
  client->buffer.erase(0, length);
  co_return response;
}

Task<ClientResponse> request_once(RawClient* client, std::string request) {
  co_await client->stream.write_all(request);
  ClientResponse response = co_await read_response(client);
  co_return response;
}

// True if the server closed the connection and sent nothing more.
Task<bool> reaches_end(RawClient* client) {
  if (!client->buffer.empty()) co_return false;
  const bool more = co_await read_more(client);
  co_return !more;
}

bool says_close(const ClientResponse& response) {
  return response.headers.get("Connection") == "close";
}

// --- Running a server next to a client ----------------------------------------

Task<void> talk_then_stop(Server* server, Task<void> client) {
  co_await std::move(client);
  server->stop();
}

// Serves while `client` runs, then stops the server and waits for serve() to
// return. A failing client cancels the server.
Task<void> with_server(Server* server, Task<void> client) {
  Task<void> serving = server->serve();
  Task<void> talking = talk_then_stop(server, std::move(client));
  co_await corolab::when_all(std::move(serving), std::move(talking));
}

Server make_server(TestApp* app, ServerOptions options = {}) {
  return Server(TcpListener::bind(SocketAddress::loopback(0)), app->handler(), options);
}

void raise_file_limit() {
  rlimit limit{};
  REQUIRE(::getrlimit(RLIMIT_NOFILE, &limit) == 0);
  limit.rlim_cur = limit.rlim_max;
  REQUIRE(::setrlimit(RLIMIT_NOFILE, &limit) == 0);
}

// --- The client side of each test ---------------------------------------------

Task<void> get_then_head(SocketAddress server) {
  RawClient client = co_await connect_client(server);
  const ClientResponse got = co_await request_once(&client, get("/hello"));
  CHECK(got.status == 200);
  CHECK(got.body == "you asked for /hello\n");
  CHECK(got.headers.get("Content-Type") == "text/plain; charset=utf-8");
  CHECK(got.headers.get("Content-Length") == "21");
  CHECK_FALSE(says_close(got));

  co_await client.stream.write_all(std::string_view("HEAD /hello HTTP/1.1\r\nHost: test\r\n\r\n"));
  const ClientResponse head = co_await read_response(&client, true);
  CHECK(head.status == 200);
  CHECK(head.headers.get("Content-Length") == "21");
  // Had the server sent a body after the HEAD response, this response would be garbled.
  const ClientResponse after = co_await request_once(&client, get("/after-head"));
  CHECK(after.body == "you asked for /after-head\n");
}

Task<void> three_requests_one_connection(SocketAddress server) {
  RawClient client = co_await connect_client(server);
  for (int i = 0; i < 3; ++i) {
    const std::string target = "/request-" + std::to_string(i);
    const ClientResponse response = co_await request_once(&client, get(target));
    CHECK(response.body == "you asked for " + target + "\n");
    CHECK_FALSE(says_close(response));
  }
}

// An HTTP/1.0 client keeps the connection only if the response says so.
Task<void> keep_alive_with_http_1_0(SocketAddress server) {
  RawClient client = co_await connect_client(server);
  const std::string request = "GET /old HTTP/1.0\r\nConnection: keep-alive\r\n\r\n";
  const ClientResponse first = co_await request_once(&client, request);
  CHECK(first.headers.get("Connection") == "keep-alive");
  const ClientResponse second = co_await request_once(&client, request);
  CHECK(second.body == "you asked for /old\n");
}

Task<void> ask_to_close(SocketAddress server, std::string request) {
  RawClient client = co_await connect_client(server);
  const ClientResponse response = co_await request_once(&client, std::move(request));
  CHECK(response.status == 200);
  CHECK(says_close(response));
  const bool closed = co_await reaches_end(&client);
  CHECK(closed);
}

Task<void> pipelined_requests(SocketAddress server) {
  RawClient client = co_await connect_client(server);
  const std::string post = "POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 5\r\n\r\nhello";
  const std::string three_at_once = get("/first") + post + get("/third");
  co_await client.stream.write_all(three_at_once);
  const ClientResponse first = co_await read_response(&client);
  const ClientResponse second = co_await read_response(&client);
  const ClientResponse third = co_await read_response(&client);
  CHECK(first.body == "you asked for /first\n");
  CHECK(second.body == "hello");
  CHECK(third.body == "you asked for /third\n");
}

// The client waits for "100 Continue" before it sends the body.
Task<void> post_after_100_continue(SocketAddress server) {
  RawClient client = co_await connect_client(server);
  const std::string head =
      "POST /echo HTTP/1.1\r\nHost: test\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n";
  const ClientResponse go_ahead = co_await request_once(&client, head);
  CHECK(go_ahead.status == 100);
  const ClientResponse echoed = co_await request_once(&client, "ping");
  CHECK(echoed.status == 200);
  CHECK(echoed.body == "ping");
}

// Sends `request`, expects `status` with "Connection: close", then the end.
Task<void> expect_refusal(SocketAddress server, std::string request, int status) {
  RawClient client = co_await connect_client(server);
  const ClientResponse response = co_await request_once(&client, std::move(request));
  CHECK(response.status == status);
  CHECK(says_close(response));
  const bool closed = co_await reaches_end(&client);
  CHECK(closed);
}

Task<void> stall_inside_a_head(SocketAddress server, Duration* elapsed) {
  const auto start = EventLoop::current().now();
  RawClient client = co_await connect_client(server);
  co_await client.stream.write_all(std::string_view("GET /stalled HTTP/1.1\r\nHost: te"));
  const ClientResponse response = co_await read_response(&client);
  CHECK(response.status == 408);
  CHECK(says_close(response));
  const bool closed = co_await reaches_end(&client);
  CHECK(closed);
  *elapsed = EventLoop::current().now() - start;
}

Task<void> stay_idle_after_a_request(SocketAddress server, Duration* elapsed) {
  const auto start = EventLoop::current().now();
  RawClient client = co_await connect_client(server);
  const ClientResponse response = co_await request_once(&client, get("/hello"));
  CHECK(response.status == 200);
  CHECK_FALSE(says_close(response));
  const bool closed = co_await reaches_end(&client);
  CHECK(closed);
  *elapsed = EventLoop::current().now() - start;
}

// The handler throws, or returns a response that cannot be sent.
Task<void> make_the_handler_fail(SocketAddress server, std::string target) {
  RawClient client = co_await connect_client(server);
  const ClientResponse response = co_await request_once(&client, get(target));
  CHECK(response.status == 500);
  CHECK(says_close(response));
  const bool closed = co_await reaches_end(&client);
  CHECK(closed);
}

// The server frames every response itself, whatever headers the handler set.
Task<void> handler_headers_meet_the_framing(SocketAddress server) {
  RawClient client = co_await connect_client(server);
  const ClientResponse no_content = co_await request_once(&client, get("/no-content"));
  CHECK(no_content.status == 204);
  CHECK_FALSE(no_content.headers.contains("Content-Length"));
  const ClientResponse wrong_length = co_await request_once(&client, get("/wrong-length"));
  CHECK(wrong_length.headers.get("Content-Length") == "3");
  CHECK(wrong_length.body == "abc");
  const ClientResponse bye = co_await request_once(&client, get("/bye"));
  CHECK(says_close(bye));
  const bool closed = co_await reaches_end(&client);
  CHECK(closed);
}

// After stop(): refused, or accepted by the kernel and then closed or reset.
Task<bool> new_connection_fails(SocketAddress server) {
  bool failed = true;
  try {
    RawClient client = co_await connect_client(server);
    co_await client.stream.write_all(get("/too-late"));
    failed = co_await reaches_end(&client);
  } catch (const std::system_error&) {
    failed = true;  // ECONNREFUSED, or ECONNRESET from the closed backlog
  }
  co_return failed;
}

struct StopReport {
  ClientResponse slow;  // the handler was running when stop() came
  bool busy_closed = false;
  ClientResponse late;  // half its head had arrived when stop() came
  bool halfway_closed = false;
  bool idle_closed = false;
  bool new_connection_failed = false;
};

// When stop() comes, one keep-alive connection is idle, one has sent half
// a head, and one waits for a slow handler.
Task<void> stop_while_busy(Server* server, TestApp* app, StopReport* report) {
  const SocketAddress address = server->local_address();
  RawClient idle = co_await connect_client(address);
  const ClientResponse first = co_await request_once(&idle, get("/hello"));
  CHECK(first.status == 200);

  // The half head rides in one write behind a whole request: once that
  // request is answered, the server holds the half head in its buffer.
  RawClient halfway = co_await connect_client(address);
  const ClientResponse before =
      co_await request_once(&halfway, get("/hello") + "GET /late HTTP/1.1\r\nHo");
  CHECK(before.status == 200);

  RawClient busy = co_await connect_client(address);
  co_await busy.stream.write_all(get("/slow"));
  co_await app->slow_handler_started.wait();
  server->stop();

  report->late = co_await request_once(&halfway, "st: test\r\n\r\n");
  report->halfway_closed = co_await reaches_end(&halfway);
  report->slow = co_await read_response(&busy);
  report->busy_closed = co_await reaches_end(&busy);
  report->idle_closed = co_await reaches_end(&idle);
  report->new_connection_failed = co_await new_connection_fails(address);
}

// GET and HEAD of a response with its own body writer, then another request
// on the same connection: the writer took nothing from keep-alive.
Task<void> shout_then_carry_on(SocketAddress server) {
  RawClient client = co_await connect_client(server);
  const ClientResponse got = co_await request_once(&client, get("/shout"));
  CHECK(got.status == 200);
  CHECK(got.headers.get("Content-Length") == "12");
  CHECK(got.body == "QUIET WORDS\n");
  CHECK_FALSE(says_close(got));

  co_await client.stream.write_all(std::string_view("HEAD /shout HTTP/1.1\r\nHost: test\r\n\r\n"));
  const ClientResponse head = co_await read_response(&client, true);
  CHECK(head.headers.get("Content-Length") == "12");
  const ClientResponse after = co_await request_once(&client, get("/after-shout"));
  CHECK(after.body == "you asked for /after-shout\n");
}

Task<void> read_a_slow_body(SocketAddress server, Duration* elapsed) {
  const auto start = EventLoop::current().now();
  RawClient client = co_await connect_client(server);
  const ClientResponse response = co_await request_once(&client, get("/slow-body"));
  *elapsed = EventLoop::current().now() - start;
  CHECK(response.status == 200);
  CHECK(response.body == numbered_body(10'000));
}

// "reset" (ECONNRESET), "short read" (the stream ended before Content-Length),
// or whatever else happened.
Task<void> read_a_reset_response(SocketAddress server, std::string* outcome) {
  RawClient client = co_await connect_client(server);
  co_await client.stream.write_all(get("/reset"));
  *outcome = "a complete response";
  try {
    const ClientResponse response = co_await read_response(&client);
  } catch (const ShortRead&) {
    *outcome = "short read";
  } catch (const std::system_error& error) {
    *outcome = error.code().value() == ECONNRESET ? "reset" : error.what();
  }
}

Task<void> five_requests(SocketAddress server, int id, int* successes) {
  RawClient client = co_await connect_client(server);
  for (int i = 0; i < 5; ++i) {
    const std::string target = "/client-" + std::to_string(id) + "/" + std::to_string(i);
    const ClientResponse response = co_await request_once(&client, get(target));
    if (response.status == 200 && response.body == "you asked for " + target + "\n") ++*successes;
  }
}

Task<void> many_clients(SocketAddress server, int count, int* successes) {
  std::vector<Task<void>> clients;
  for (int id = 0; id < count; ++id) clients.push_back(five_requests(server, id, successes));
  co_await corolab::when_all(std::move(clients));
}

}  // namespace

TEST_CASE("GET gets 200 with its body, HEAD the same headers and no body") {
  auto kind = GENERATE(from_range(every_reactor_kind()));
  CAPTURE(corolab::to_string(kind));
  corolab::EventLoop loop{kind};
  TestApp app;
  Server server = make_server(&app);
  corolab::sync_wait(with_server(&server, get_then_head(server.local_address())));
  CHECK(server.stats().connections_accepted == 1);
  CHECK(server.stats().requests_served == 3);
  CHECK(server.stats().bad_requests == 0);
  CHECK(loop.reactor().watch_count() == 0);
}

TEST_CASE("keep-alive: several requests on one connection, until a client asks to close") {
  auto kind = GENERATE(from_range(every_reactor_kind()));
  CAPTURE(corolab::to_string(kind));
  corolab::EventLoop loop{kind};
  TestApp app;
  Server server = make_server(&app);
  const SocketAddress address = server.local_address();

  SECTION("HTTP/1.1 keeps the connection by default") {
    corolab::sync_wait(with_server(&server, three_requests_one_connection(address)));
    CHECK(server.stats().connections_accepted == 1);
    CHECK(server.stats().requests_served == 3);
  }
  SECTION("HTTP/1.1 with Connection: close") {
    corolab::sync_wait(
        with_server(&server, ask_to_close(address, get("/", "Connection: close\r\n"))));
  }
  SECTION("HTTP/1.0 closes by default") {
    corolab::sync_wait(with_server(&server, ask_to_close(address, "GET / HTTP/1.0\r\n\r\n")));
  }
  SECTION("HTTP/1.0 with Connection: keep-alive") {
    corolab::sync_wait(with_server(&server, keep_alive_with_http_1_0(address)));
    CHECK(server.stats().connections_accepted == 1);
  }
  CHECK(loop.reactor().watch_count() == 0);
}

TEST_CASE("pipelined requests in one write are answered in order, bodies included") {
  auto kind = GENERATE(from_range(every_reactor_kind()));
  CAPTURE(corolab::to_string(kind));
  corolab::EventLoop loop{kind};
  TestApp app;
  Server server = make_server(&app);
  corolab::sync_wait(with_server(&server, pipelined_requests(server.local_address())));
  CHECK(server.stats().connections_accepted == 1);
  CHECK(server.stats().requests_served == 3);
}

TEST_CASE("Expect: 100-continue gets a go-ahead before the body is sent") {
  auto kind = GENERATE(from_range(every_reactor_kind()));
  CAPTURE(corolab::to_string(kind));
  corolab::EventLoop loop{kind};
  TestApp app;
  Server server = make_server(&app);
  corolab::sync_wait(with_server(&server, post_after_100_continue(server.local_address())));
  CHECK(server.stats().requests_served == 1);
}

TEST_CASE("requests the server cannot accept are refused, then the connection closes") {
  auto kind = GENERATE(from_range(every_reactor_kind()));
  CAPTURE(corolab::to_string(kind));
  corolab::EventLoop loop{kind};
  TestApp app;
  ServerOptions options;
  options.max_body_size = 8;
  Server server = make_server(&app, options);
  const SocketAddress address = server.local_address();

  SECTION("a malformed head: 400") {
    const std::string malformed = "GET / HTTP/1.1\r\nHost : x\r\n\r\n";
    corolab::sync_wait(with_server(&server, expect_refusal(address, malformed, 400)));
  }
  SECTION("a head over 16 KiB: 431") {
    const std::string huge = get("/", "X-Big: " + std::string(20'000, 'x') + "\r\n");
    corolab::sync_wait(with_server(&server, expect_refusal(address, huge, 431)));
  }
  SECTION("a body over max_body_size: 413") {
    const std::string post =
        "POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 9\r\n\r\n123456789";
    corolab::sync_wait(with_server(&server, expect_refusal(address, post, 413)));
  }
  SECTION("a chunked body: 501") {
    const std::string post =
        "POST /echo HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n";
    corolab::sync_wait(with_server(&server, expect_refusal(address, post, 501)));
  }
  SECTION("HTTP/2.0: 505") {
    corolab::sync_wait(
        with_server(&server, expect_refusal(address, "GET / HTTP/2.0\r\n\r\n", 505)));
  }
  CHECK(server.stats().bad_requests == 1);
  CHECK(server.stats().requests_served == 0);
  CHECK(loop.reactor().watch_count() == 0);
}

TEST_CASE("a client that stalls inside a head gets 408 after head_timeout") {
  auto kind = GENERATE(from_range(every_reactor_kind()));
  CAPTURE(corolab::to_string(kind));
  corolab::EventLoop loop(virtual_time_on(kind));
  TestApp app;
  ServerOptions options;
  options.head_timeout = 100ms;
  Server server = make_server(&app, options);
  Duration elapsed{};
  corolab::sync_wait(with_server(&server, stall_inside_a_head(server.local_address(), &elapsed)));
  CHECK(elapsed == 100ms);
  CHECK(server.stats().bad_requests == 1);
}

TEST_CASE("an idle keep-alive connection is closed after idle_timeout") {
  auto kind = GENERATE(from_range(every_reactor_kind()));
  CAPTURE(corolab::to_string(kind));
  corolab::EventLoop loop(virtual_time_on(kind));
  TestApp app;
  ServerOptions options;
  options.idle_timeout = 100ms;
  Server server = make_server(&app, options);
  Duration elapsed{};
  corolab::sync_wait(
      with_server(&server, stay_idle_after_a_request(server.local_address(), &elapsed)));
  CHECK(elapsed == 100ms);
  CHECK(server.stats().requests_served == 1);
}

TEST_CASE("a handler that throws gives 500 and the connection closes") {
  auto kind = GENERATE(from_range(every_reactor_kind()));
  CAPTURE(corolab::to_string(kind));
  corolab::EventLoop loop{kind};
  TestApp app;
  Server server = make_server(&app);
  const SocketAddress address = server.local_address();
  SECTION("from inside its task") {
    corolab::sync_wait(with_server(&server, make_the_handler_fail(address, "/throw")));
  }
  SECTION("before returning a task") {
    corolab::sync_wait(with_server(&server, make_the_handler_fail(address, "/throw-at-once")));
  }
  CHECK(server.stats().requests_served == 1);
  CHECK(loop.reactor().watch_count() == 0);
}

TEST_CASE("the server owns the framing: Content-Length, no body for 204, Connection") {
  auto kind = GENERATE(from_range(every_reactor_kind()));
  CAPTURE(corolab::to_string(kind));
  corolab::EventLoop loop{kind};
  TestApp app;
  Server server = make_server(&app);
  const SocketAddress address = server.local_address();
  SECTION("a handler's framing headers are replaced; its Connection: close is honoured") {
    corolab::sync_wait(with_server(&server, handler_headers_meet_the_framing(address)));
    CHECK(server.stats().requests_served == 3);
  }
  SECTION("a line break in a header would split the response: 500 instead") {
    corolab::sync_wait(with_server(&server, make_the_handler_fail(address, "/split")));
  }
  CHECK(loop.reactor().watch_count() == 0);
}

TEST_CASE(
    "graceful stop: requests under way are answered, idle connections close, serve() returns") {
  auto kind = GENERATE(from_range(every_reactor_kind()));
  CAPTURE(corolab::to_string(kind));
  corolab::EventLoop loop(virtual_time_on(kind));
  TestApp app;
  ServerOptions options;
  options.idle_timeout = std::chrono::hours(1);  // only stop() can close the idle connection
  Server server = make_server(&app, options);
  StopReport report;
  const corolab::TimePoint start = loop.now();
  corolab::sync_wait(with_server(&server, stop_while_busy(&server, &app, &report)));
  // The slow handler's 100 ms, and nothing more: serve() waited for no timeout.
  CHECK(loop.now() - start == 100ms);
  CHECK(report.slow.status == 200);
  CHECK(says_close(report.slow));
  CHECK(report.slow.body == "slow but complete\n");
  CHECK(report.busy_closed);
  CHECK(report.late.status == 200);
  CHECK(says_close(report.late));
  CHECK(report.late.body == "you asked for /late\n");
  CHECK(report.halfway_closed);
  CHECK(report.idle_closed);
  CHECK(report.new_connection_failed);
  CHECK(server.stats().connections_accepted == 3);
  CHECK(server.stats().requests_served == 4);
  CHECK(loop.reactor().watch_count() == 0);
}

TEST_CASE("a response's body writer sends its body, and the connection stays usable") {
  auto kind = GENERATE(from_range(every_reactor_kind()));
  CAPTURE(corolab::to_string(kind));
  corolab::EventLoop loop{kind};
  TestApp app;
  Server server = make_server(&app);
  corolab::sync_wait(with_server(&server, shout_then_carry_on(server.local_address())));
  // The whole body for GET; nothing to send for HEAD.
  CHECK(app.bodies_given_to_writer == std::vector<std::string>{"quiet words\n", ""});
  CHECK(server.stats().connections_accepted == 1);
  CHECK(server.stats().requests_served == 3);
  CHECK(loop.reactor().watch_count() == 0);
}

TEST_CASE("faulty bodies: a slow body still arrives whole, a reset cuts it short") {
  auto kind = GENERATE(from_range(every_reactor_kind()));
  CAPTURE(corolab::to_string(kind));
  corolab::EventLoop loop(virtual_time_on(kind));
  TestApp app;
  Server server = make_server(&app);
  const SocketAddress address = server.local_address();

  SECTION("SlowBody: 10 pieces, 9 pauses of 1 ms") {
    Duration elapsed{};
    corolab::sync_wait(with_server(&server, read_a_slow_body(address, &elapsed)));
    CHECK(elapsed == 9ms);
  }
  SECTION("ResetHalfway: ECONNRESET or the stream ends before Content-Length") {
    std::string outcome;
    corolab::sync_wait(with_server(&server, read_a_reset_response(address, &outcome)));
    CHECK((outcome == "reset" || outcome == "short read"));
  }
  CHECK(loop.reactor().watch_count() == 0);
}

TEST_CASE("200 concurrent keep-alive clients, 5 requests each, all answered") {
  raise_file_limit();
  auto kind = GENERATE(from_range(every_reactor_kind()));
  CAPTURE(corolab::to_string(kind));
  corolab::EventLoop loop{kind};
  TestApp app;
  Server server = make_server(&app);
  int successes = 0;
  corolab::sync_wait(with_server(&server, many_clients(server.local_address(), 200, &successes)));
  CHECK(successes == 1000);
  CHECK(server.stats().connections_accepted == 200);
  CHECK(server.stats().requests_served == 1000);
  CHECK(loop.reactor().watch_count() == 0);
}
