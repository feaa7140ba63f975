#pragma once
// Lesson 02: one HTTP fetch, written as an explicit state machine.
//
// With callbacks (lesson 01) a fetch is spread over several functions, and
// whatever it must remember between them has to live somewhere. Here it all
// lives in one struct: `state` says where the fetch is, the other fields are
// its "local variables", and step() moves it on by one event.
//
// The machine never touches a socket. It says what it wants next (write
// these bytes, read, or nothing more) and a driver does the I/O and reports
// what happened: a poll() loop over a real socket in stage.cpp, a script of
// events in the tests. Same machine, no network needed to test it.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace lesson02 {

enum class State { connecting, sending, receiving, done, failed };

// What happened on the socket, as the driver reports it.
struct Event {
  // #region event_fields
  enum class Kind { writable, readable, closed, error };
  Kind kind;
  std::size_t written = 0;  // writable: how many bytes the socket took
  std::string_view bytes;   // readable: what arrived; error: what failed
  // #endregion event_fields

  static Event writable(std::size_t n = 0) { return {Kind::writable, n, {}}; }
  static Event readable(std::string_view b) { return {Kind::readable, 0, b}; }
  static Event closed() { return {Kind::closed, 0, {}}; }
  static Event error(std::string_view what) { return {Kind::error, 0, what}; }
};

// What the machine asks the driver to do next.
struct Want {
  enum class Kind { write, read, finished };
  Kind kind;
  std::string_view bytes;  // write: when writable, write some of these

  static Want write(std::string_view b) { return {Kind::write, b}; }
  static Want read() { return {Kind::read, {}}; }
  static Want finished() { return {Kind::finished, {}}; }
  bool operator==(const Want&) const = default;
};

struct FetchMachine {
  FetchMachine(std::string_view host, std::string_view target);

  // Advances the machine by one event; returns what it wants next.
  Want step(Event event);
  // What it wants in its current state (the first want: to be connected).
  Want next() const;

  // #region fields
  // The local variables of a fetch, kept between events:
  State state = State::connecting;
  std::string request;   // what to send
  std::size_t sent = 0;  // how much of it the socket has taken
  std::string response;  // everything received so far
  int status = 0;        // from the status line, once it has arrived
  std::string failure;   // why, once state == failed
  // #endregion fields

  // The body: what follows the blank line after the headers.
  std::string_view body() const;

 private:
  void fail(std::string reason);
};

// Helpers for step().
//
// The status code of a status line ("HTTP/1.1 200 OK", without its CRLF);
// std::nullopt if it is not one.
std::optional<int> status_code(std::string_view status_line);
// The Content-Length of a response head, if it has one.
std::optional<std::size_t> content_length(std::string_view head);

std::string_view to_string(State state);
std::string to_string(const Want& want);
std::string to_string(const Event& event);

}  // namespace lesson02
