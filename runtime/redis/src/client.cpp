#include "corolab/redis/client.hpp"

#include <exception>
#include <optional>
#include <utility>

#include "connection.hpp"
#include "corolab/mutex.hpp"
#include "corolab/sleep.hpp"
#include "corolab/timeout.hpp"
#include "hiredis_protocol.hpp"
#include "seconds_text.hpp"

namespace corolab::redis {

struct Client::State {
  State(Url url_to_use, ClientOptions options_to_use)
      : url(std::move(url_to_use)), options(options_to_use), address(url.address()) {}

  Url url;
  ClientOptions options;
  std::string address;  // url.address(), for messages
  Mutex turn;           // held by the command (or reconnect) using the connection
  std::optional<detail::Connection> connection;
  std::size_t connections_made = 0;
};

namespace {

// The coroutines below take the State by pointer, never the Client: a
// Client may be moved while one of its commands runs; its State stays put.
using State = Client::State;

// Runs one exchange under a timeout. If the timeout wins, the exchange was
// cancelled and has closed the connection (connection.hpp says why).
Task<std::vector<Reply>> exchange_within(detail::Connection* connection, std::string request,
                                         std::size_t count, Duration timeout, std::string address,
                                         std::string what) {
  try {
    std::vector<Reply> replies =
        co_await with_timeout(timeout, connection->exchange(std::move(request), count));
    co_return replies;
  } catch (const corolab::TimeoutError&) {
    throw TimeoutError(address, what, timeout);
  }
}

// Connects and checks that Redis answers: PING, and SELECT when the URL
// names a database other than 0. Throws ConnectionError (a handshake with no
// answer in time counts as unreachable) or ReplyError.
Task<void> open_connection(State* state) {
  state->connection.reset();
  std::vector<std::vector<std::string>> handshake{{"PING"}};
  if (state->url.db != 0) handshake.push_back({"SELECT", std::to_string(state->url.db)});
  std::string request;
  for (const auto& command : handshake) detail::append_command(request, command);

  detail::Connection connection =
      co_await detail::Connection::open(state->url, state->options.connect_timeout);
  ++state->connections_made;
  const Duration timeout = state->options.connect_timeout;
  std::vector<Reply> replies;
  try {
    replies = co_await exchange_within(&connection, std::move(request), handshake.size(), timeout,
                                       state->address, "PING");
  } catch (const TimeoutError&) {
    throw ConnectionError(state->address,
                          "no reply to PING within " + detail::seconds_text(timeout));
  }
  for (std::size_t i = 0; i < handshake.size(); ++i) {
    if (!replies[i].is_error()) continue;
    const std::string command =
        i == 0 ? "PING" : "SELECT " + handshake[i][1] + " (the URL's database)";
    throw ReplyError(state->address, command, replies[i].text);
  }
  state->connection = std::move(connection);
}

// A connection to send on: the one we have if it is still open, else a new one.
Task<detail::Connection*> usable_connection(State* state) {
  const bool usable =
      state->connection && state->connection->is_open() && !state->connection->closed_by_peer();
  if (!usable) co_await open_connection(state);
  co_return &*state->connection;
}

// Waits for the client's turn, then sends `request` and reads `count` replies.
Task<std::vector<Reply>> take_turn(State* state, std::string request, std::size_t count,
                                   Duration timeout, std::string what) {
  Mutex::Guard turn = co_await state->turn.lock();
  detail::Connection* connection = co_await usable_connection(state);
  std::vector<Reply> replies = co_await exchange_within(connection, std::move(request), count,
                                                        timeout, state->address, std::move(what));
  co_return replies;
}

Task<Reply> run_command(State* state, std::vector<std::string> args, Duration timeout) {
  std::string request;
  detail::append_command(request, args);  // before anything is sent: an empty command throws
  std::vector<Reply> replies = co_await take_turn(state, std::move(request), 1, timeout, args[0]);
  Reply& reply = replies.front();
  if (reply.is_error()) throw ReplyError(state->address, args[0], std::move(reply.text));
  co_return std::move(reply);
}

Task<std::vector<Reply>> run_pipeline(State* state, std::vector<std::vector<std::string>> commands,
                                      Duration timeout) {
  if (commands.empty()) co_return std::vector<Reply>{};
  std::string request;
  for (const auto& command : commands) detail::append_command(request, command);
  std::string what = "a pipeline of " + std::to_string(commands.size()) + " commands";
  std::vector<Reply> replies =
      co_await take_turn(state, std::move(request), commands.size(), timeout, std::move(what));
  co_return replies;
}

Task<void> reconnect_with_backoff(State* state, Backoff backoff) {
  Mutex::Guard turn = co_await state->turn.lock();
  for (int failures = 1;; ++failures) {
    std::exception_ptr failure;
    std::string reason;
    try {
      co_await open_connection(state);
      co_return;
    } catch (const ConnectionError& error) {  // only this is worth waiting out
      failure = std::current_exception();
      reason = error.detail();
    }
    if (backoff.max_attempts > 0 && failures >= backoff.max_attempts) {
      std::rethrow_exception(failure);
    }
    const RetryNotice notice{state->address, reason, failures, backoff.delay_after(failures)};
    if (backoff.on_retry) backoff.on_retry(notice);
    co_await sleep_for(notice.delay);
  }
}

}  // namespace

Client::Client(std::unique_ptr<State> state) noexcept : state_(std::move(state)) {}
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;
Client::~Client() = default;

Task<Client> Client::connect(Url url) { return connect(std::move(url), ClientOptions{}); }

Task<Client> Client::connect(Url url, ClientOptions options) {
  Client client(std::make_unique<State>(std::move(url), options));
  co_await open_connection(client.state_.get());
  co_return client;
}

Task<Client> Client::connect_with_retry(Url url, ClientOptions options, Backoff backoff) {
  Client client(std::make_unique<State>(std::move(url), options));
  co_await reconnect_with_backoff(client.state_.get(), std::move(backoff));
  co_return client;
}

Task<Reply> Client::command(std::vector<std::string> args) {
  return run_command(state_.get(), std::move(args), state_->options.command_timeout);
}

Task<Reply> Client::command(std::vector<std::string> args, Duration timeout) {
  return run_command(state_.get(), std::move(args), timeout);
}

Task<std::vector<Reply>> Client::pipeline(std::vector<std::vector<std::string>> commands) {
  return run_pipeline(state_.get(), std::move(commands), state_->options.command_timeout);
}

Task<std::vector<Reply>> Client::pipeline(std::vector<std::vector<std::string>> commands,
                                          Duration timeout) {
  return run_pipeline(state_.get(), std::move(commands), timeout);
}

Task<void> Client::reconnect(Backoff backoff) {
  return reconnect_with_backoff(state_.get(), std::move(backoff));
}

const Url& Client::url() const noexcept { return state_->url; }

bool Client::is_connected() const noexcept {
  return state_->connection && state_->connection->is_open();
}

std::size_t Client::connections_made() const noexcept { return state_->connections_made; }

}  // namespace corolab::redis
