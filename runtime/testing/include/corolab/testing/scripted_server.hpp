#pragma once
// ScriptedServer: a fake web server for tests, scripted reply by reply.
//
//   ScriptedServer server;
//   server.script("/flaky", {Reply::with_status(503), Reply::with_status(503).after(2s),
//                            Reply::ok("hello")});
//   std::string page =
//       co_await server.serve_during(fetch_with_retries(server.url("/flaky")));
//   CHECK(server.requests_to("/flaky").size() == 3);
//
// Each request to a path takes that path's next reply; the last reply
// repeats. A path with no script is a 404. Every request is recorded with
// the loop's time of arrival, so that on a loop with virtual time a test can
// check *when* a client retried, exactly. It is the real HTTP server
// (corolab::http::Server) on a loopback port, so the client under test
// makes real connections: nothing is mocked but the replies.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "corolab/clock.hpp"
#include "corolab/http/message.hpp"
#include "corolab/http/server.hpp"
#include "corolab/task.hpp"
#include "corolab/when_all.hpp"

namespace corolab::testing {

struct Reply {
  int status = 200;
  http::Headers headers;
  std::string body;
  Duration delay{0};              // wait this long before answering
  bool reset_connection = false;  // send the head and half the body, then reset (RST)

  static Reply ok(std::string body);
  static Reply with_status(int status);
  // The head and half the body, then a TCP reset: a network error to the client.
  static Reply connection_reset();

  Reply after(Duration wait) &&;
  Reply header(std::string name, std::string value) &&;
};

struct ReceivedRequest {
  std::string target;
  TimePoint arrived;  // on the loop's clock
  http::Request request;
};

class ScriptedServer {
 public:
  // Listens on 127.0.0.1, on a free port. Serves only inside serve_during().
  ScriptedServer();

  void script(std::string target, std::vector<Reply> replies);

  std::string url(std::string_view target) const;
  const std::vector<ReceivedRequest>& requests() const noexcept { return received_; }
  std::vector<ReceivedRequest> requests_to(std::string_view target) const;

  // Serves while `client` runs, then stops and returns its result: the
  // server cannot outlive the test that uses it.
  template <typename T>
  Task<T> serve_during(Task<T> client) {
    auto results = co_await when_all(server_.serve(), stop_after(std::move(client)));
    if constexpr (!std::is_void_v<T>) co_return std::move(std::get<1>(results));
  }

 private:
  Task<http::Response> answer(http::Request request);
  http::Response respond(const Reply& reply) const;

  template <typename T>
  Task<T> stop_after(Task<T> client) {
    struct StopOnExit {
      http::Server* server;
      ~StopOnExit() { server->stop(); }
    } stop_on_exit{&server_};
    co_return co_await std::move(client);
  }

  std::map<std::string, std::vector<Reply>, std::less<>> scripts_;
  std::map<std::string, std::size_t, std::less<>> replies_given_;
  std::vector<ReceivedRequest> received_;
  http::Server server_;
};

}  // namespace corolab::testing
