#include "markers.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <optional>
#include <sstream>

namespace lessonkit {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// A marker line: a comment (`//` or `#`) whose text starts with `#keyword`.
struct Marker {
  std::string keyword;   // "region", "endregion", "exercise", "starter", "endexercise"
  std::string argument;  // the rest of the line
};

std::optional<Marker> parse_marker(std::string_view line) {
  std::string_view s = trim(line);
  if (s.starts_with("//")) {
    s.remove_prefix(2);
  } else if (s.starts_with("#")) {
    s.remove_prefix(1);
  } else {
    return std::nullopt;
  }
  s = trim(s);
  if (!s.starts_with("#")) return std::nullopt;
  s.remove_prefix(1);
  std::size_t space = s.find(' ');
  std::string keyword{s.substr(0, space)};
  static constexpr std::string_view keywords[] = {"region", "endregion", "exercise", "starter",
                                                  "endexercise"};
  if (std::find(std::begin(keywords), std::end(keywords), keyword) == std::end(keywords)) {
    return std::nullopt;
  }
  std::string argument{space == std::string_view::npos ? "" : trim(s.substr(space))};
  return Marker{keyword, argument};
}

// The starter transformation (see make_starter), counting the exercises.
std::string starter_of(std::string_view text, std::string_view where, std::size_t* exercises);

// "name: description" -> "name"
std::string exercise_name(const std::string& argument) {
  return argument.substr(0, argument.find(':'));
}

std::size_t indentation(std::string_view line) { return line.find_first_not_of(" \t"); }

std::string join_dedented(const std::vector<std::string_view>& lines) {
  std::size_t common = std::string_view::npos;
  for (std::string_view line : lines) {
    if (trim(line).empty()) continue;
    common = std::min(common, indentation(line));
  }
  std::string out;
  for (std::string_view line : lines) {
    if (!trim(line).empty()) out += line.substr(common);
    out += '\n';
  }
  return out;
}

// Walks the lines, keeping those a reader should see: no markers, no starters.
// Calls keep(line_index) for each kept line.
template <typename Keep>
void for_each_solution_line(const std::vector<std::string_view>& lines, std::string_view where,
                            Keep keep) {
  bool in_starter = false;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::optional<Marker> marker = parse_marker(lines[i]);
    if (!marker) {
      if (!in_starter) keep(i);
      continue;
    }
    if (marker->keyword == "starter") in_starter = true;
    if (marker->keyword == "endexercise") in_starter = false;
  }
  if (in_starter) throw Error(fmt::format("{}: #starter without #endexercise", where));
}

}  // namespace

std::string extract_region(std::string_view text, std::string_view name, std::string_view where,
                           Version version) {
  std::vector<std::string_view> lines = split_lines(text);
  std::optional<std::size_t> begin, end;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::optional<Marker> marker = parse_marker(lines[i]);
    if (!marker || marker->argument != name) continue;
    if (marker->keyword == "region") {
      if (begin) throw Error(fmt::format("{}:{}: region '{}' begins twice", where, i + 1, name));
      begin = i;
    } else if (marker->keyword == "endregion") {
      if (!begin)
        throw Error(fmt::format("{}:{}: region '{}' ends before it begins", where, i + 1, name));
      end = i;
      break;
    }
  }
  if (!begin) throw Error(fmt::format("{}: no region '{}'", where, name));
  if (!end)
    throw Error(fmt::format("{}:{}: region '{}' has no #endregion", where, *begin + 1, name));

  std::vector<std::string_view> inside(lines.begin() + static_cast<std::ptrdiff_t>(*begin) + 1,
                                       lines.begin() + static_cast<std::ptrdiff_t>(*end));
  // The attendee's view: the same lines with each exercise as its starter.
  std::string as_starter;
  if (version == Version::starter) {
    std::size_t exercises = 0;
    as_starter = starter_of(join_dedented(inside), where, &exercises);
    inside = split_lines(as_starter);
  }
  std::vector<std::string_view> kept;
  for_each_solution_line(inside, where, [&](std::size_t i) { kept.push_back(inside[i]); });
  while (!kept.empty() && trim(kept.front()).empty()) kept.erase(kept.begin());
  while (!kept.empty() && trim(kept.back()).empty()) kept.pop_back();
  if (kept.empty())
    throw Error(fmt::format("{}:{}: region '{}' is empty", where, *begin + 1, name));
  return join_dedented(kept);
}

std::string strip_markers(std::string_view text, std::string_view where) {
  std::vector<std::string_view> lines = split_lines(text);
  std::string out;
  for_each_solution_line(lines, where, [&](std::size_t i) {
    out += lines[i];
    out += '\n';
  });
  return out;
}

std::string make_starter(std::string_view text, std::string_view where) {
  std::size_t exercises = 0;
  std::string starter = starter_of(text, where, &exercises);
  if (exercises == 0) throw Error(fmt::format("{}: no #exercise in this file", where));
  return starter;
}

namespace {

std::string starter_of(std::string_view text, std::string_view where, std::size_t* exercises) {
  enum class State { outside, solution, starter } state = State::outside;
  std::string out, open_exercise;
  std::vector<std::string_view> lines = split_lines(text);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    std::optional<Marker> marker = parse_marker(line);
    auto fail = [&](std::string_view what) {
      return Error(fmt::format("{}:{}: {}", where, i + 1, what));
    };
    if (marker && marker->keyword == "exercise") {
      if (state != State::outside) throw fail("#exercise inside another exercise");
      if (marker->argument.empty()) throw fail("#exercise needs a name");
      state = State::solution;
      open_exercise = exercise_name(marker->argument);
      ++*exercises;
      // The exercise's description stays, as the attendee's TODO.
      out += line.substr(0, indentation(line));
      out += fmt::format("// EXERCISE {}\n", marker->argument);
    } else if (marker && marker->keyword == "starter") {
      if (state != State::solution) throw fail("#starter outside an exercise");
      state = State::starter;
    } else if (marker && marker->keyword == "endexercise") {
      if (state == State::outside) throw fail("#endexercise without #exercise");
      state = State::outside;
    } else if (state == State::starter) {
      // Starter code is commented out in the solution file: uncomment it.
      std::size_t indent = indentation(line);
      std::string_view code = trim(line);
      if (code.empty()) {
        out += '\n';
        continue;
      }
      if (!code.starts_with("//")) throw fail("starter lines must be commented out with //");
      code.remove_prefix(2);
      if (code.starts_with(' ')) code.remove_prefix(1);
      out += line.substr(0, indent);
      out += code;
      out += '\n';
    } else if (state == State::outside) {
      // Regions and other markers are not the attendee's business either.
      if (!marker) {
        out += line;
        out += '\n';
      }
    }
  }
  if (state != State::outside) {
    throw Error(fmt::format("{}: exercise '{}' has no #endexercise", where, open_exercise));
  }
  return out;
}

}  // namespace

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    std::size_t end = text.find('\n');
    if (end == std::string_view::npos) end = text.size();
    lines.push_back(text.substr(0, end));
    text.remove_prefix(std::min(end + 1, text.size()));
  }
  return lines;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(fmt::format("{}: cannot read", path));
  std::ostringstream contents;
  contents << in.rdbuf();
  return std::move(contents).str();
}

void write_file(const std::string& path, std::string_view contents) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << contents;
  if (!out) throw Error(fmt::format("{}: cannot write", path));
}

}  // namespace lessonkit
