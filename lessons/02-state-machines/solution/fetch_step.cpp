// Lesson 02's exercise: the transitions of the fetch's state machine.
#include <fmt/format.h>

#include <stdexcept>
#include <string>

#include "fetch_machine.hpp"

namespace lesson02 {

Want FetchMachine::step(Event event) {
  // #exercise step: move the machine on by one event (see the README's diagram)
  if (state == State::done || state == State::failed) return next();  // finished: nothing changes
  if (event.kind == Event::Kind::error) {
    fail(fmt::format("{} (while {})", event.bytes, to_string(state)));
    return next();
  }
  if (event.kind == Event::Kind::closed && state != State::receiving) {
    fail(fmt::format("the server closed the connection while {}", to_string(state)));
    return next();
  }

  switch (state) {
    case State::connecting:  // writable: the connection is made
      state = State::sending;
      break;
    case State::sending:  // writable: the socket took `written` more bytes
      sent += event.written;
      if (sent == request.size()) state = State::receiving;
      break;
    case State::receiving:
      if (event.kind == Event::Kind::readable) {
        response += event.bytes;
        const std::size_t line_end = response.find("\r\n");
        if (status == 0 && line_end != std::string::npos) {
          const std::optional<int> code =
              status_code(std::string_view(response).substr(0, line_end));
          if (!code) {
            fail("the response does not start with an HTTP status line");
            break;
          }
          status = *code;
        }
      } else if (event.kind == Event::Kind::closed) {  // "Connection: close": the response is over
        const std::size_t head_end = response.find("\r\n\r\n");
        if (head_end == std::string::npos) {
          fail("the server closed the connection before the end of the headers");
          break;
        }
        const std::optional<std::size_t> length =
            content_length(std::string_view(response).substr(0, head_end));
        if (length && body().size() < *length) {
          fail(fmt::format("the server closed the connection after {} of {} body bytes",
                           body().size(), *length));
          break;
        }
        state = State::done;
      }
      break;
    case State::done:
    case State::failed: break;
  }
  return next();
  // #starter
  // (void)event;
  // throw std::logic_error("lesson 02: write FetchMachine::step");
  // #endexercise
}

}  // namespace lesson02
