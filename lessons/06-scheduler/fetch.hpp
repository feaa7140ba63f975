#pragma once
// Lesson 01's fetch, as a coroutine on the mini loop: a raw HTTP/1.1 GET
// over a non-blocking socket, with a co_await wherever it would block.

#include <corolab/task.hpp>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace lesson06 {

struct Page {
  std::string path;
  int status = 0;  // 200, 404...
  std::string body;
};

// Told each time the fetch is about to suspend or has finished: "waits:
// writable (connecting)", ... The stage prints it; tests leave it empty.
using Trace = std::function<void(std::string_view event)>;

// GET http://127.0.0.1:<port><path>, with "Connection: close": the response
// ends where the server closes the connection.
corolab::Task<Page> fetch(std::uint16_t port, std::string path, Trace trace = {});

}  // namespace lesson06
