// Lesson 02: the parts of FetchMachine that are not the exercise.
#include "fetch_machine.hpp"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <utility>

namespace lesson02 {

FetchMachine::FetchMachine(std::string_view host, std::string_view target)
    // "Connection: close": the server closes when the response is complete,
    // so "closed" is how the machine learns that it has all of it.
    : request(
          fmt::format("GET {} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n", target, host)) {}

Want FetchMachine::next() const {
  switch (state) {
    case State::connecting: return Want::write({});  // a non-blocking connect ends with "writable"
    case State::sending: return Want::write(std::string_view(request).substr(sent));
    case State::receiving: return Want::read();
    case State::done:
    case State::failed: return Want::finished();
  }
  return Want::finished();
}

std::string_view FetchMachine::body() const {
  const std::size_t head_end = response.find("\r\n\r\n");
  if (head_end == std::string::npos) return {};
  return std::string_view(response).substr(head_end + 4);
}

void FetchMachine::fail(std::string reason) {
  state = State::failed;
  failure = std::move(reason);
}

std::optional<int> status_code(std::string_view status_line) {
  // "HTTP/1.1 200 OK": the version, a space, three digits, a space, a reason.
  if (!status_line.starts_with("HTTP/1.") || status_line.size() < 12 || status_line[8] != ' ') {
    return std::nullopt;
  }
  int code = 0;
  const char* digits = status_line.data() + 9;
  const auto [end, error] = std::from_chars(digits, digits + 3, code);
  if (error != std::errc{} || end != digits + 3 || code < 100) return std::nullopt;
  return code;
}

std::optional<std::size_t> content_length(std::string_view head) {
  // Header names are case-insensitive: compare lower-cased copies.
  std::string lower(head);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const std::string_view name = "\r\ncontent-length:";
  const std::size_t at = lower.find(name);
  if (at == std::string::npos) return std::nullopt;
  std::size_t first = at + name.size();
  while (first < head.size() && head[first] == ' ') ++first;
  std::size_t length = 0;
  const auto [end, error] = std::from_chars(head.data() + first, head.data() + head.size(), length);
  if (error != std::errc{} || end == head.data() + first) return std::nullopt;
  return length;
}

std::string_view to_string(State state) {
  switch (state) {
    case State::connecting: return "connecting";
    case State::sending: return "sending";
    case State::receiving: return "receiving";
    case State::done: return "done";
    case State::failed: return "failed";
  }
  return "?";
}

std::string to_string(const Want& want) {
  switch (want.kind) {
    case Want::Kind::write: return fmt::format("want_write({} bytes)", want.bytes.size());
    case Want::Kind::read: return "want_read";
    case Want::Kind::finished: return "finished";
  }
  return "?";
}

std::string to_string(const Event& event) {
  switch (event.kind) {
    case Event::Kind::writable: return fmt::format("writable({} bytes taken)", event.written);
    case Event::Kind::readable: return fmt::format("readable({} bytes)", event.bytes.size());
    case Event::Kind::closed: return "closed";
    case Event::Kind::error: return fmt::format("error({})", event.bytes);
  }
  return "?";
}

}  // namespace lesson02
