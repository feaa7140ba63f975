#include "quotes.hpp"

#include <fmt/format.h>

#include <map>
#include <optional>

#include "markers.hpp"
#include "symbols.hpp"

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

// The definitions in each file quoted so far: one ctags run per file for a
// whole document (the files do not change while it is checked or expanded).
using DefinitionCache = std::map<std::string, std::vector<Definition>>;

constexpr std::string_view header_comment_name = "header-comment";

// A qualified name for messages (with the parameters, when they tell
// overloads apart): ctags names an anonymous namespace `__anon9c41e2c30111`,
// which changes from file to file.
std::string display(const Definition& definition, bool parameters = false) {
  std::string name = definition.qualified;
  for (std::size_t at = name.find("__anon"); at != std::string::npos;
       at = name.find("__anon", at + 1)) {
    std::size_t end = name.find("::", at);
    name.replace(at, end == std::string::npos ? std::string::npos : end - at, "(anonymous)");
  }
  return name + definition.specialization + (parameters ? definition.signature : "");
}

// The code `path#name` stands for: a region, a definition, or the header
// comment. A name that is both a region and a definition is an error, so
// that deleting a region never silently changes what a quote shows.
std::string quote_name(const std::string& path, const std::string& name, Version version,
                       const std::string& root, DefinitionCache& cache) {
  std::string file = root + "/" + path;
  std::string text = read_file(file);
  if (name == header_comment_name) return extract_header_comment(text, path);

  auto [cached, fresh] = cache.try_emplace(file);
  if (fresh) cached->second = find_definitions(file);
  const std::vector<Definition>& definitions = cached->second;
  std::vector<Definition> matches = match_definitions(definitions, name);
  std::optional<std::size_t> region = find_region(text, name);
  if (region && !matches.empty()) {
    throw Error(fmt::format(
        "{}: '{}' is both a region (line {}) and a symbol ({}, line {}): quote the symbol and "
        "drop the region's markers, or rename the region",
        path, name, *region, display(matches.front()), matches.front().line));
  }
  if (region) return extract_region(text, name, path, version);
  if (matches.empty()) {
    for (const Definition& definition : definitions) {
      if (definition.kind == "prototype" && names(name, definition)) {
        throw Error(
            fmt::format("{}: '{}' is only declared here (line {}); quote the file that defines it",
                        path, name, definition.line));
      }
    }
    throw Error(fmt::format("{}: no symbol or region '{}'", path, name));
  }
  if (matches.size() > 1) {
    std::string found;
    bool same_name = true;
    for (const Definition& definition : matches) {
      found += fmt::format("{}line {} ({} {})", found.empty() ? "" : ", ", definition.line,
                           definition.kind, display(definition, /*parameters=*/true));
      same_name = same_name && definition.qualified == matches.front().qualified;
    }
    if (same_name && matches.front().kind == "function") {
      throw Error(fmt::format(
          "{}: '{}' is ambiguous: {}; name one overload by its parameters, as written there "
          "(`{}(int x)`)",
          path, name, found, name));
    }
    if (same_name) {
      throw Error(fmt::format(
          "{}: '{}' is ambiguous: {}; name a specialization by its template arguments (`{}<void>`)",
          path, name, found, name));
    }
    throw Error(fmt::format(
        "{}: '{}' is ambiguous: {}; quote a more qualified name (Scope::{}) or mark a region", path,
        name, found, name));
  }
  const Definition& definition = matches.front();
  return extract_lines(text, definition_start(text, definition.line), definition.end, path,
                       version);
}

// A directive's target, "path#name" or "path#name starter".
struct Target {
  std::string path;
  std::optional<std::string> name;  // none: the whole file
  Version version = Version::solution;
};

Target parse_target(const std::string& directive) {
  Target target;
  std::string path_and_name = directive;
  // The first space outside parentheses: `path#write_all(std::span<const
  // std::byte> data) starter`.
  std::size_t space = std::string::npos;
  int depth = 0;
  for (std::size_t i = 0; i < directive.size() && space == std::string::npos; ++i) {
    if (directive[i] == '(') ++depth;
    if (directive[i] == ')') --depth;
    if (directive[i] == ' ' && depth == 0) space = i;
  }
  if (space != std::string::npos) {
    path_and_name = directive.substr(0, space);
    if (directive.substr(space + 1) != "starter") {
      throw Error(
          fmt::format("unknown quote option '{}' (only 'starter')", directive.substr(space + 1)));
    }
    target.version = Version::starter;
  }
  std::size_t hash = path_and_name.find('#');
  target.path = path_and_name.substr(0, hash);
  if (hash != std::string::npos) target.name = path_and_name.substr(hash + 1);
  return target;
}

// The code a directive stands for.
std::string code_of(const Target& target, const std::string& root, DefinitionCache& cache) {
  if (!target.name) return strip_markers(read_file(root + "/" + target.path), target.path);
  return quote_name(target.path, *target.name, target.version, root, cache);
}

// The code a directive stands for, as a fenced block ending in a newline.
std::string render(const std::string& directive, const std::string& root, DefinitionCache& cache) {
  Target target = parse_target(directive);
  return fmt::format("{}{}\n{}{}\n", fence, language_of(target.path), code_of(target, root, cache),
                     fence);
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

// Whether the code a target shows holds an exercise's solution: it differs
// from the same target's starter view.
bool shows_a_solution(Target target, const std::string& root, DefinitionCache& cache) {
  if (target.version == Version::starter) return false;
  const std::string solution = code_of(target, root, cache);
  target.version = Version::starter;
  return code_of(target, root, cache) != solution;
}

}  // namespace

std::string quote(const std::string& directive, const std::string& root) {
  DefinitionCache cache;
  return code_of(parse_target(directive), root, cache);
}

Problems check_quotes(std::string_view markdown, std::string_view where, const std::string& root,
                      Solutions solutions) {
  DefinitionCache cache;
  Problems problems;
  std::vector<std::string_view> lines = split_lines(markdown);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::optional<std::string> target = parse_directive(lines[i]);
    if (!target) continue;
    std::string code;
    try {
      code = render(*target, root, cache);
      if (solutions == Solutions::hidden && shows_a_solution(parse_target(*target), root, cache)) {
        problems.push_back(
            fmt::format("{}:{}: {} shows an exercise's solution; a deck quotes it as `{} starter`",
                        where, i + 1, *target, *target));
      }
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
  DefinitionCache cache;
  std::vector<std::string_view> lines = split_lines(markdown);
  std::string out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    out += lines[i];
    out += '\n';
    std::optional<std::string> target = parse_directive(lines[i]);
    if (!target) continue;
    try {
      out += render(*target, root, cache);
    } catch (const Error& e) {
      throw Error(fmt::format("{}:{}: {}", where, i + 1, e.what()));
    }
    if (std::optional<std::size_t> end = end_of_block(lines, i + 1))
      i = *end - 1;  // drop the old copy
  }
  return out;
}

}  // namespace lessonkit
