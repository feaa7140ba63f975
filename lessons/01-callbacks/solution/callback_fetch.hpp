#pragma once
// Lesson 01: many fetches at once, on one thread, with callbacks.
//
// fetch() does not wait: it starts a non-blocking connect() and returns. The
// rest of the work happens in callbacks the loop calls when the socket is
// ready: on_writable sends the request, on_readable collects the response,
// and the caller's `done` callback gets the result. Raw HTTP/1.1 with
// "Connection: close", so the end of the response is the end of the stream.

#include <sys/types.h>

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "callback_loop.hpp"

namespace lesson01 {

struct FetchResult {
  std::string url;
  int status = 0;  // 0 when no response came
  std::string body;
  std::string error;  // empty on success, else what went wrong: "connect: Connection refused"
};

using Done = std::function<void(FetchResult)>;

// #region helpers
// System-call helpers for the callbacks (in callback_fetch.cpp).
int connect_error(int fd);                            // 0: connect() succeeded
ssize_t send_some(int fd, std::string_view bytes);    // ::send(), no SIGPIPE
bool would_block(int error);                          // EAGAIN & co: "not now"
std::string error_text(const char* call, int error);  // "recv: Broken pipe"
// #endregion helpers

// One fetch in progress: what its callbacks share. Locals cannot survive
// from one callback to the next, so everything lives here, on the heap.
struct Transfer {
  std::string url;
  int fd = -1;
  bool connected = false;  // connect() has been seen to succeed
  std::string request;     // the bytes to send...
  std::size_t sent = 0;    // ...and how many are sent
  std::string response;    // the bytes received so far
  bool in_flight = false;  // request sent, response not complete
  Done done;

  ~Transfer();  // closes fd if it is still open
};

using TransferPtr = std::shared_ptr<Transfer>;

class CallbackFetcher {
 public:
  explicit CallbackFetcher(CallbackLoop* loop) : loop_(loop) {}

  // Starts fetching `url` ("http://<IPv4>:<port>/<path>") and returns at once.
  // `done` is called later, from the loop, exactly once, with the page or
  // with an error: never from inside fetch() itself.
  void fetch(const std::string& url, Done done);

  // Requests sent whose response is not complete yet: now, and at most.
  std::size_t in_flight() const noexcept { return in_flight_; }
  std::size_t max_in_flight() const noexcept { return max_in_flight_; }

 private:
  // The exercise: the two callbacks.
  void on_writable(const TransferPtr& transfer);
  void on_readable(const TransferPtr& transfer);

  // Given: switching from sending to receiving, and the two endings.
  void wait_for_response(const TransferPtr& transfer);
  void complete(const TransferPtr& transfer);
  void fail(const TransferPtr& transfer, const std::string& error);
  void fail_soon(const TransferPtr& transfer, const std::string& error);
  void finish(const TransferPtr& transfer, FetchResult result);

  CallbackLoop* loop_;
  std::size_t in_flight_ = 0;
  std::size_t max_in_flight_ = 0;
};

}  // namespace lesson01
