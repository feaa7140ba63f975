#include "quotes.hpp"

#include <fmt/format.h>

#include <optional>

#include "markers.hpp"

namespace lessonkit {
namespace {

constexpr std::string_view directive_open = "<!-- quote ";
constexpr std::string_view directive_close = "-->";
constexpr std::string_view fence = "```";

// "path#region" from a directive line, or nothing if the line is not one.
std::optional<std::string> parse_directive(std::string_view line) {
  if (!line.starts_with(directive_open)) return std::nullopt;
  line.remove_prefix(directive_open.size());
  std::size_t close = line.find(directive_close);
  if (close == std::string_view::npos) return std::nullopt;
  line = line.substr(0, close);
  while (!line.empty() && line.back() == ' ') line.remove_suffix(1);
  return std::string{line};
}

// The fence language for a quoted file, from its extension.
std::string_view language_of(std::string_view path) {
  std::string_view ext = path.substr(path.rfind('.') + 1);
  if (ext == "hpp" || ext == "cpp" || ext == "h" || ext == "cc") return "cpp";
  if (ext == "sh" || path.ends_with("corolab")) return "bash";
  if (ext == "txt" || ext == "cmake") return "cmake";
  if (ext == "md") return "markdown";
  return "";
}

// The code a directive stands for, as a fenced block ending in a newline.
// "path#region starter" quotes the region as an attendee's starter shows it.
std::string render(const std::string& directive, const std::string& root) {
  std::string target = directive;
  Version version = Version::solution;
  if (std::size_t space = directive.find(' '); space != std::string::npos) {
    target = directive.substr(0, space);
    if (directive.substr(space + 1) != "starter") {
      throw Error(
          fmt::format("unknown quote option '{}' (only 'starter')", directive.substr(space + 1)));
    }
    version = Version::starter;
  }
  std::size_t hash = target.find('#');
  std::string path = target.substr(0, hash);
  std::string where = path;
  std::string text = read_file(root + "/" + path);
  std::string code = hash == std::string::npos
                         ? strip_markers(text, where)
                         : extract_region(text, target.substr(hash + 1), where, version);
  return fmt::format("{}{}\n{}{}\n", fence, language_of(path), code, fence);
}

// If lines[i] opens a fenced block, the index just past its closing fence.
std::optional<std::size_t> end_of_block(const std::vector<std::string_view>& lines, std::size_t i) {
  if (i >= lines.size() || !lines[i].starts_with(fence)) return std::nullopt;
  for (std::size_t j = i + 1; j < lines.size(); ++j) {
    if (lines[j] == fence) return j + 1;
  }
  return std::nullopt;
}

std::string join(const std::vector<std::string_view>& lines, std::size_t from, std::size_t to) {
  std::string out;
  for (std::size_t i = from; i < to; ++i) {
    out += lines[i];
    out += '\n';
  }
  return out;
}

}  // namespace

Problems check_quotes(std::string_view markdown, std::string_view where, const std::string& root) {
  Problems problems;
  std::vector<std::string_view> lines = split_lines(markdown);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::optional<std::string> target = parse_directive(lines[i]);
    if (!target) continue;
    std::string code;
    try {
      code = render(*target, root);
    } catch (const Error& e) {
      problems.push_back(fmt::format("{}:{}: {}", where, i + 1, e.what()));
      continue;
    }
    if (std::optional<std::size_t> end = end_of_block(lines, i + 1)) {
      if (join(lines, i + 1, *end) != code) {
        problems.push_back(
            fmt::format("{}:{}: the copy of {} is out of date (./corolab quotes updates it)", where,
                        i + 1, *target));
      }
    }
  }
  return problems;
}

std::string expand_quotes(std::string_view markdown, std::string_view where,
                          const std::string& root) {
  std::vector<std::string_view> lines = split_lines(markdown);
  std::string out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    out += lines[i];
    out += '\n';
    std::optional<std::string> target = parse_directive(lines[i]);
    if (!target) continue;
    try {
      out += render(*target, root);
    } catch (const Error& e) {
      throw Error(fmt::format("{}:{}: {}", where, i + 1, e.what()));
    }
    if (std::optional<std::size_t> end = end_of_block(lines, i + 1))
      i = *end - 1;  // drop the old copy
  }
  return out;
}

}  // namespace lessonkit
