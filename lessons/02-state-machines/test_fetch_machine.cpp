// Lesson 02's exercise: FetchMachine::step, driven by scripted events.
// No sockets: each test plays the driver and says what "happened".
#include <catch2/catch.hpp>
#include <string>
#include <string_view>

#include "fetch_machine.hpp"

using lesson02::Event;
using lesson02::FetchMachine;
using lesson02::State;
using lesson02::Want;

namespace Catch {
template <>
struct StringMaker<State> {
  static std::string convert(State state) { return std::string(lesson02::to_string(state)); }
};
template <>
struct StringMaker<Want> {
  static std::string convert(const Want& want) { return lesson02::to_string(want); }
};
}  // namespace Catch

namespace {

constexpr std::string_view kResponse =
    "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello";

// A machine that is connected and has sent its whole request.
FetchMachine receiving_machine() {
  FetchMachine machine("example.test", "/");
  machine.step(Event::writable());
  machine.step(Event::writable(machine.request.size()));
  return machine;
}

}  // namespace

TEST_CASE("a new machine is connecting and waits for the socket to be writable") {
  FetchMachine machine("example.test", "/robots.txt");
  CHECK(machine.state == State::connecting);
  CHECK(machine.request ==
        "GET /robots.txt HTTP/1.1\r\nHost: example.test\r\nConnection: close\r\n\r\n");
  CHECK(machine.next() == Want::write(""));
}

TEST_CASE("the whole fetch, one event at a time") {
  FetchMachine machine("example.test", "/");

  CHECK(machine.step(Event::writable()) == Want::write(machine.request));
  CHECK(machine.state == State::sending);

  CHECK(machine.step(Event::writable(machine.request.size())) == Want::read());
  CHECK(machine.state == State::receiving);

  CHECK(machine.step(Event::readable(kResponse)) == Want::read());
  CHECK(machine.state == State::receiving);
  CHECK(machine.status == 200);

  CHECK(machine.step(Event::closed()) == Want::finished());
  CHECK(machine.state == State::done);
  CHECK(machine.body() == "hello");
  CHECK(machine.failure.empty());
}

TEST_CASE("partial writes: the machine asks for the rest until all is sent") {
  FetchMachine machine("example.test", "/");
  machine.step(Event::writable());
  const std::string request = machine.request;

  CHECK(machine.step(Event::writable(3)) == Want::write(std::string_view(request).substr(3)));
  CHECK(machine.state == State::sending);
  CHECK(machine.step(Event::writable(10)) == Want::write(std::string_view(request).substr(13)));
  CHECK(machine.step(Event::writable(0)) == Want::write(std::string_view(request).substr(13)));
  CHECK(machine.sent == 13);

  CHECK(machine.step(Event::writable(request.size() - 13)) == Want::read());
  CHECK(machine.state == State::receiving);
}

TEST_CASE("a response split across many reads, one byte each") {
  FetchMachine machine = receiving_machine();
  const std::size_t line_end = kResponse.find("\r\n");
  for (std::size_t i = 0; i < kResponse.size(); ++i) {
    CHECK(machine.step(Event::readable(kResponse.substr(i, 1))) == Want::read());
    // The status is known as soon as its whole line has arrived, not before.
    CHECK(machine.status == (i + 1 >= line_end + 2 ? 200 : 0));
  }
  machine.step(Event::closed());
  CHECK(machine.state == State::done);
  CHECK(machine.response == kResponse);
  CHECK(machine.body() == "hello");
}

TEST_CASE("the status line is parsed: a 404 is a finished fetch, not a failure") {
  FetchMachine machine = receiving_machine();
  machine.step(Event::readable("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"));
  machine.step(Event::closed());
  CHECK(machine.state == State::done);
  CHECK(machine.status == 404);
}

TEST_CASE("a response without Content-Length ends when the server closes") {
  FetchMachine machine = receiving_machine();
  machine.step(Event::readable("HTTP/1.0 200 OK\r\n\r\nall of "));
  machine.step(Event::readable("this"));
  machine.step(Event::closed());
  CHECK(machine.state == State::done);
  CHECK(machine.body() == "all of this");
}

TEST_CASE("something that is not HTTP fails with a clear reason") {
  FetchMachine machine = receiving_machine();
  CHECK(machine.step(Event::readable("SSH-2.0-OpenSSH_9.2\r\n")) == Want::finished());
  CHECK(machine.state == State::failed);
  CHECK(machine.failure == "the response does not start with an HTTP status line");
}

TEST_CASE("the peer closes early: before the end of the headers") {
  FetchMachine machine = receiving_machine();
  machine.step(Event::readable("HTTP/1.1 200 OK\r\nContent-Le"));
  CHECK(machine.step(Event::closed()) == Want::finished());
  CHECK(machine.state == State::failed);
  CHECK(machine.failure == "the server closed the connection before the end of the headers");
}

TEST_CASE("the peer closes early: in the middle of the body") {
  FetchMachine machine = receiving_machine();
  machine.step(Event::readable("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"));
  machine.step(Event::closed());
  CHECK(machine.state == State::failed);
  CHECK(machine.failure == "the server closed the connection after 3 of 10 body bytes");
}

TEST_CASE("the peer closes early: before the request is sent") {
  FetchMachine machine("example.test", "/");
  machine.step(Event::writable());
  machine.step(Event::writable(5));
  CHECK(machine.step(Event::closed()) == Want::finished());
  CHECK(machine.state == State::failed);
  CHECK(machine.failure == "the server closed the connection while sending");
}

TEST_CASE("an error fails the fetch and says where it happened") {
  FetchMachine machine("example.test", "/");
  CHECK(machine.step(Event::error("connection refused")) == Want::finished());
  CHECK(machine.state == State::failed);
  CHECK(machine.failure == "connection refused (while connecting)");
}

TEST_CASE("a finished machine stays finished, whatever happens next") {
  FetchMachine machine = receiving_machine();
  machine.step(Event::readable(kResponse));
  machine.step(Event::closed());
  REQUIRE(machine.state == State::done);
  CHECK(machine.step(Event::readable("more")) == Want::finished());
  CHECK(machine.step(Event::error("late")) == Want::finished());
  CHECK(machine.state == State::done);
  CHECK(machine.body() == "hello");
}
