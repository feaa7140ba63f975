#pragma once
// A Redis client for coroutines: hiredis speaks the protocol, corolab waits.
//
//   auto url = corolab::redis::Url::parse("redis://127.0.0.1:6379");
//   corolab::redis::Client redis = co_await corolab::redis::Client::connect(url);
//   co_await redis.command("SET", "greeting", "hello");
//   corolab::redis::Reply reply = co_await redis.command("GET", "greeting");
//
// The choice: hiredis's command formatter and reply reader over corolab's
// own TcpStream, not hiredis's async API driven through its adapter hooks
// (the way curl_multi_bridge drives libcurl). hiredis still does all the
// protocol work (RESP out; replies in, incrementally, however the bytes are
// split, nested arrays and binary-safe strings included); the client is
// "write N commands, read until the reader has N replies". Why not the
// async API:
//   * Cancellation and timeouts. Here a command is a coroutine waiting on
//     its socket, so a stop request and with_timeout reach it as they reach
//     every other wait in the runtime. hiredis cannot cancel one command: its
//     callback fires later, whenever the reply comes, into an awaiter that
//     is gone.
//   * Connecting. hiredis 0.14 (Debian 12) resolves the host name with a
//     blocking getaddrinfo on the calling thread, our loop, and has no
//     connect timeout; TcpStream::connect resolves on the thread pool and
//     times out.
//   * Nothing to bridge. libcurl needs a bridge because it owns sockets and
//     timers we cannot see; Redis's protocol is strictly in order, one reply
//     per command, on a socket that can be ours.
//
// What that costs, and the rule that follows: a command cut short
// (cancelled, timed out, or its connection broke) leaves its reply unread on
// the connection, or its request half written. The client then closes that
// connection, so that a late reply can never be taken for the next
// command's, and the next command connects again. Closing is cheap; a reply
// read by the wrong command is a bug no one finds.
//
// Reconnecting. A command that finds no open connection connects (once; if
// that fails: ConnectionError). Before sending on a connection that sat
// idle, the client checks that the server has not closed it meanwhile
// (Redis restarted, or dropped an idle client), and if it has, connects
// again first: nothing was sent yet, so that is always safe. A command
// that *was* sent is never sent again by the client: when its reply is
// lost to a broken connection or a timeout, it may or may not have run
// (INCR twice is not INCR once). Whether to retry is the caller's
// business; reconnect(backoff) waits for Redis to come back.
//
// Error replies. command() throws ReplyError when Redis answers with an
// error: the caller of SET or INCR can do nothing sensible with an error
// value it did not expect, and an exception cannot be ignored by accident.
// The connection stays usable (the whole reply was read). pipeline()
// returns them as values instead: Redis ran the other commands, and their
// replies matter as much.
//
// Turns. One connection carries one command (or pipeline) at a time; when
// several coroutines share a client, their commands take turns (a
// corolab::Mutex). A blocking command (BLPOP) holds the connection as long
// as it blocks, so give a blocking waiter a client of its own.
// Create and use a client on the loop thread; it must outlive its commands.

#include <concepts>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "corolab/clock.hpp"
#include "corolab/redis/backoff.hpp"
#include "corolab/redis/errors.hpp"
#include "corolab/redis/reply.hpp"
#include "corolab/redis/url.hpp"
#include "corolab/task.hpp"

namespace corolab::redis {

// What command("SET", key, value) takes: anything a std::string_view can
// view (a literal, a std::string, a string_view). Numbers: std::to_string.
template <typename T>
concept CommandArgument = std::convertible_to<const T&, std::string_view>;

struct ClientOptions {
  // How long connecting may take, for each step: the TCP connection (to
  // each address the name resolves to), then the handshake (PING, SELECT).
  Duration connect_timeout = std::chrono::seconds(5);
  // The longest wait for the replies of one command or pipeline, counted
  // from when it is sent. A blocking command (BLPOP key 30) needs longer than
  // it blocks: pass it a timeout of its own.
  Duration command_timeout = std::chrono::seconds(10);
};

class Client {
 public:
  // Connects, and checks that the server speaks Redis (PING) and has the
  // URL's database (SELECT). Throws ConnectionError (nothing listening, the
  // name does not resolve, no answer in time, not a Redis server) or
  // ReplyError (Redis refused: no such database, a password required).
  //
  // Overloads rather than default arguments: g++ 12 mishandles a class-type
  // temporary made inside a co_await expression (see http/client.hpp).
  static Task<Client> connect(Url url);
  static Task<Client> connect(Url url, ClientOptions options);
  // Like connect, but when Redis is unreachable (ConnectionError), waits
  // and tries again as `backoff` says, telling backoff.on_retry each time.
  // Other errors are not retried: a wrong database will not fix itself.
  static Task<Client> connect_with_retry(Url url, ClientOptions options, Backoff backoff);

  Client(Client&&) noexcept;
  Client& operator=(Client&&) noexcept;
  ~Client();

  // Runs one command: {"SET", "key", "value"}; every argument is binary-safe.
  // Throws ReplyError for an error reply, ConnectionError, TimeoutError
  // (after ClientOptions::command_timeout, or `timeout`), OperationCancelled.
  Task<Reply> command(std::vector<std::string> args);
  Task<Reply> command(std::vector<std::string> args, Duration timeout);
  // The same, spelled command("SET", key, value). (Not command({"SET", key, value}): g++ 12
  // cannot compile a braced list inside a co_await expression, "array used
  // as initializer". Outside one, a vector works as usual.)
  template <CommandArgument First, CommandArgument... Rest>
  Task<Reply> command(const First& first, const Rest&... rest) {
    return command(std::vector<std::string>{std::string(std::string_view(first)),
                                            std::string(std::string_view(rest))...});
  }
  // Sends every command at once, then reads their replies, in order: one
  // round trip instead of N. Error replies come back as values (not thrown).
  // The timeout covers the whole pipeline.
  Task<std::vector<Reply>> pipeline(std::vector<std::vector<std::string>> commands);
  Task<std::vector<Reply>> pipeline(std::vector<std::vector<std::string>> commands,
                                    Duration timeout);

  // Drops the connection and connects again, retrying as `backoff` says:
  // for a caller whose command failed with ConnectionError and that wants
  // to wait until Redis is back.
  Task<void> reconnect(Backoff backoff);

  const Url& url() const noexcept;
  // A connection is open (the server may have closed its end meanwhile).
  bool is_connected() const noexcept;
  // Connections made so far, the first included: for tests and statistics.
  std::size_t connections_made() const noexcept;

  struct State;  // the connection, the turn-taking mutex: in client.cpp

 private:
  explicit Client(std::unique_ptr<State> state) noexcept;
  // On the heap, so that a command's coroutine can keep a pointer to it
  // while the Client object itself is moved.
  std::unique_ptr<State> state_;
};

}  // namespace corolab::redis
