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

namespace {

// The quote of some lines of a file (a region's, a definition's): each
// exercise as its solution or its starter, no markers, no blank lines at
// either end, the common indentation stripped. Empty if nothing is left.
std::string quote_of(std::vector<std::string_view> inside, std::string_view where,
                     Version version) {
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
  if (kept.empty()) return {};
  return join_dedented(kept);
}

bool ends_with_any(std::string_view s, std::string_view characters) {
  return !s.empty() && characters.find(s.back()) != std::string_view::npos;
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
  std::string code = quote_of(std::move(inside), where, version);
  if (code.empty())
    throw Error(fmt::format("{}:{}: region '{}' is empty", where, *begin + 1, name));
  return code;
}

std::optional<std::size_t> find_region(std::string_view text, std::string_view name) {
  std::vector<std::string_view> lines = split_lines(text);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::optional<Marker> marker = parse_marker(lines[i]);
    if (marker && marker->keyword == "region" && marker->argument == name) return i + 1;
  }
  return std::nullopt;
}

std::string extract_lines(std::string_view text, std::size_t first, std::size_t last,
                          std::string_view where, Version version) {
  std::vector<std::string_view> lines = split_lines(text);
  if (first < 1 || first > last || last > lines.size()) {
    throw Error(
        fmt::format("{}: no lines {}-{} (the file has {})", where, first, last, lines.size()));
  }
  if (version == Version::starter) {
    // An exercise that straddles the quoted lines (or holds them all) would
    // have its solution shown: the starter view needs the whole exercise.
    std::size_t open = 0;  // the open exercise's first line, 1-based; 0: none
    std::string open_name;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      std::optional<Marker> marker = parse_marker(lines[i]);
      if (!marker) continue;
      if (marker->keyword == "exercise") {
        open = i + 1;
        open_name = exercise_name(marker->argument);
      } else if (marker->keyword == "endexercise" && open != 0) {
        std::size_t begin = open, end = i + 1;
        bool overlaps = begin <= last && end >= first;
        bool within = first <= begin && end <= last;
        if (overlaps && !within) {
          throw Error(fmt::format(
              "{}:{}: lines {}-{} hold only part of exercise '{}' (lines {}-{}): their starter "
              "view would give its solution away",
              where, begin, first, last, open_name, begin, end));
        }
        open = 0;
      }
    }
  }
  std::vector<std::string_view> inside(lines.begin() + static_cast<std::ptrdiff_t>(first) - 1,
                                       lines.begin() + static_cast<std::ptrdiff_t>(last));
  std::string code = quote_of(std::move(inside), where, version);
  if (code.empty())
    throw Error(fmt::format("{}:{}: lines {}-{} are empty", where, first, first, last));
  return code;
}

std::size_t definition_start(std::string_view text, std::size_t first) {
  std::vector<std::string_view> lines = split_lines(text);
  std::size_t start = std::min(first, lines.size() + 1);  // 1-based
  auto above = [&] { return trim(lines[start - 2]); };
  // The rest of the declaration: lines that do not end a statement, a block
  // or a label, such as `template <typename T>` or `requires ...`.
  while (start > 1) {
    std::string_view line = above();
    if (line.empty() || line.starts_with("//") || line.starts_with("#") || line.starts_with("/*")) {
      break;
    }
    // The code before a trailing comment: `}  // namespace detail` ends a block.
    std::string_view code = trim(line.substr(0, line.find("//")));
    if (code.ends_with("*/") || ends_with_any(code, ";{}") ||
        (code.ends_with(':') && !code.ends_with("::"))) {
      break;
    }
    --start;
  }
  // The comment directly above, which says what the definition is for.
  while (start > 1 && above().starts_with("//") && !parse_marker(lines[start - 2])) --start;
  return start;
}

std::optional<LineRange> header_comment(std::string_view text) {
  std::vector<std::string_view> lines = split_lines(text);
  std::size_t i = 0;
  auto skip_blank_lines = [&] {
    while (i < lines.size() && trim(lines[i]).empty()) ++i;
  };
  skip_blank_lines();
  if (i < lines.size() && trim(lines[i]) == "#pragma once") {
    ++i;
    skip_blank_lines();
  }
  std::size_t begin = i;
  while (i < lines.size() && trim(lines[i]).starts_with("//")) ++i;
  if (i == begin) return std::nullopt;
  return LineRange{begin + 1, i};
}

std::string extract_header_comment(std::string_view text, std::string_view where) {
  std::optional<LineRange> header = header_comment(text);
  if (!header) throw Error(fmt::format("{}: no header comment (the file opens with code)", where));
  std::vector<std::string_view> lines = split_lines(text);
  std::vector<std::string_view> inside(
      lines.begin() + static_cast<std::ptrdiff_t>(header->first) - 1,
      lines.begin() + static_cast<std::ptrdiff_t>(header->last));
  std::string code = quote_of(std::move(inside), where, Version::solution);
  if (code.empty()) throw Error(fmt::format("{}: the header comment is all markers", where));
  return code;
}

MarkerAudit audit_markers(std::string_view text, std::string_view where) {
  MarkerAudit audit;
  std::vector<std::string_view> lines = split_lines(text);
  std::optional<LineRange> header = header_comment(text);
  struct Open {
    std::string keyword, name;
    std::size_t line;
  };
  std::vector<Open> open;
  auto problem = [&](std::size_t line, std::string_view message) {
    audit.problems.push_back(fmt::format("{}:{}: {}", where, line, message));
  };
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::optional<Marker> marker = parse_marker(lines[i]);
    if (!marker) continue;
    std::size_t line = i + 1;
    ++audit.markers;
    if (header && header->first <= line && line <= header->last) {
      problem(line,
              "a marker inside the file's header comment (quote the comment as "
              "path#header-comment)");
    }
    if (marker->keyword == "region" || marker->keyword == "exercise") {
      std::string name =
          marker->keyword == "region" ? marker->argument : exercise_name(marker->argument);
      if (open.size() >= 2) {
        problem(line, fmt::format("#{} {} is nested {} deep (at most one level: a region may "
                                  "hold an exercise, or an exercise a region)",
                                  marker->keyword, name, open.size()));
      }
      open.push_back({marker->keyword, name, line});
    } else if (marker->keyword == "starter") {
      if (open.empty() || open.back().keyword != "exercise")
        problem(line, "#starter outside an exercise");
    } else {
      std::string_view opening = marker->keyword == "endregion" ? "region" : "exercise";
      if (open.empty() || open.back().keyword != opening ||
          (opening == "region" && open.back().name != marker->argument)) {
        problem(line, fmt::format("#{} {} does not close the innermost open block", marker->keyword,
                                  marker->argument));
        continue;
      }
      open.pop_back();
    }
  }
  for (const Open& block : open)
    problem(block.line, fmt::format("#{} {} is never closed", block.keyword, block.name));
  return audit;
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

std::string solved_copy(std::string_view text, std::string_view where) {
  std::size_t exercises = 0;
  starter_of(text, where, &exercises);  // the same malformed exercises are errors here
  if (exercises == 0) throw Error(fmt::format("{}: no #exercise in this file", where));
  std::string out;
  bool in_starter = false;
  for (std::string_view line : split_lines(text)) {
    std::optional<Marker> marker = parse_marker(line);
    if (!marker) {
      if (!in_starter) out += std::string(line) + '\n';
    } else if (marker->keyword == "exercise") {
      out += line.substr(0, indentation(line));
      out += fmt::format("// EXERCISE {}\n", marker->argument);
    } else if (marker->keyword == "starter") {
      in_starter = true;
    } else if (marker->keyword == "endexercise") {
      in_starter = false;
    }
  }
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
