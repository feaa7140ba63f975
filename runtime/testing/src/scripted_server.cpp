#include "corolab/testing/scripted_server.hpp"

#include <algorithm>

#include "corolab/event_loop.hpp"
#include "corolab/sleep.hpp"
#include "corolab/socket_address.hpp"
#include "corolab/tcp_listener.hpp"
#include "corolab/testing/faulty_bodies.hpp"

namespace corolab::testing {

Reply Reply::ok(std::string body) {
  Reply reply;
  reply.body = std::move(body);
  return reply;
}

Reply Reply::with_status(int status) {
  Reply reply;
  reply.status = status;
  reply.body = std::string(http::reason_phrase(status));
  return reply;
}

Reply Reply::connection_reset() {
  Reply reply;
  reply.body = std::string(1024, 'x');  // half of it goes out before the reset
  reply.reset_connection = true;
  return reply;
}

Reply Reply::after(Duration wait) && {
  delay = wait;
  return std::move(*this);
}

Reply Reply::header(std::string name, std::string value) && {
  headers.add(std::move(name), std::move(value));
  return std::move(*this);
}

namespace {
TcpListener listen_on_loopback() { return TcpListener::bind(SocketAddress::loopback(0)); }
}  // namespace

ScriptedServer::ScriptedServer()
    : server_(listen_on_loopback(),
              [this](http::Request request) { return answer(std::move(request)); }) {}

void ScriptedServer::script(std::string target, std::vector<Reply> replies) {
  replies_given_.erase(target);
  scripts_.insert_or_assign(std::move(target), std::move(replies));
}

std::string ScriptedServer::url(std::string_view target) const {
  return "http://" + server_.local_address().to_string() + std::string(target);
}

std::vector<ReceivedRequest> ScriptedServer::requests_to(std::string_view target) const {
  std::vector<ReceivedRequest> matching;
  std::copy_if(received_.begin(), received_.end(), std::back_inserter(matching),
               [target](const ReceivedRequest& r) { return r.target == target; });
  return matching;
}

Task<http::Response> ScriptedServer::answer(http::Request request) {
  const std::string target = request.target;
  received_.push_back({target, EventLoop::current().now(), request});
  auto script = scripts_.find(target);
  if (script == scripts_.end() || script->second.empty()) {
    co_return http::Response::text(404, "no script for " + target + "\n");
  }
  // The next reply; once the script is used up, its last reply again.
  std::size_t& given = replies_given_[target];
  const Reply reply = script->second[std::min(given, script->second.size() - 1)];
  ++given;
  if (reply.delay > Duration{0}) co_await sleep_for(reply.delay);
  co_return respond(reply);
}

http::Response ScriptedServer::respond(const Reply& reply) const {
  http::Response response;
  response.status = reply.status;
  response.headers = reply.headers;
  response.body = reply.body;
  if (reply.reset_connection) response.write_body = ResetHalfway{};
  return response;
}

}  // namespace corolab::testing
