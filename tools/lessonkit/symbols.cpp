#include "symbols.hpp"

#include <fmt/format.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <set>

#include "markers.hpp"

extern char** environ;

namespace lessonkit {
namespace {

// Runs a program without a shell and returns what it wrote to stdout and
// stderr (together) and its exit status.
struct Output {
  std::string text;
  int status = 0;  // as waitpid reports it
};

Output run_program(const std::vector<std::string>& argv) {
  int fds[2];
  if (pipe(fds) != 0) throw Error(fmt::format("pipe: {}", std::strerror(errno)));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);
  posix_spawn_file_actions_addclose(&actions, fds[1]);
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  int failed = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  if (failed != 0) {
    close(fds[0]);
    if (failed == ENOENT) {
      throw Error(
          fmt::format("{} not found: symbol quotes need Universal Ctags (Debian: apt-get install "
                      "universal-ctags; ./corolab installs it)",
                      argv[0]));
    }
    throw Error(fmt::format("cannot run {}: {}", argv[0], std::strerror(failed)));
  }
  Output output;
  std::array<char, 65536> buffer;
  for (;;) {
    ssize_t n = read(fds[0], buffer.data(), buffer.size());
    if (n > 0) {
      output.text.append(buffer.data(), static_cast<std::size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  close(fds[0]);
  while (waitpid(pid, &output.status, 0) < 0 && errno == EINTR) {
  }
  return output;
}

// The kinds a quote can name (ctags' long names).
bool quotable(std::string_view kind) {
  static constexpr std::string_view kinds[] = {"function", "class",   "struct",   "union",
                                               "enum",     "typedef", "variable", "macro"};
  return std::find(std::begin(kinds), std::end(kinds), kind) != std::end(kinds);
}

std::string without_spaces(std::string_view s) {
  std::string out;
  for (char c : s)
    if (c != ' ') out += c;
  return out;
}

}  // namespace

std::vector<Definition> find_definitions(const std::string& path, const std::string& ctags) {
  // --options=NONE: a user's ~/.ctags.d must not change what a quote means.
  // --sort=no: in file order, for messages.
  // --fields: line, end, kind, scope, signature; and for C++, a
  // specialization's template arguments.
  Output output = run_program({ctags, "--options=NONE", "--output-format=json", "--fields=+neKZsS",
                               "--fields-C++=+{specialization}", "--kinds-C++=+p", "--sort=no",
                               "-f", "-", path});
  std::vector<Definition> definitions;
  std::string messages;
  for (std::string_view line : split_lines(output.text)) {
    if (!line.starts_with('{')) {
      // Notices and warnings (ctags writes "No options will be read" for
      // --options=NONE); they matter only if ctags fails.
      if (!line.empty() && line.find("No options will be read") == std::string_view::npos)
        messages += fmt::format("\n  {}", line);
      continue;
    }
    nlohmann::json tag = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!tag.is_object() || tag.value("_type", "") != "tag") continue;
    std::string kind = tag.value("kind", "");
    if (kind != "prototype" && !quotable(kind)) continue;
    Definition definition;
    definition.name = tag.value("name", "");
    definition.kind = kind;
    std::string scope = tag.value("scope", "");
    definition.qualified = scope.empty() ? definition.name : scope + "::" + definition.name;
    definition.signature = tag.value("signature", "");
    definition.specialization = tag.value("specialization", "");
    definition.line = tag.value("line", std::size_t{0});
    definition.end = tag.value("end", definition.line);  // a one-line typedef has no end
    if (definition.line == 0) continue;
    definitions.push_back(std::move(definition));
  }
  if (!WIFEXITED(output.status) || WEXITSTATUS(output.status) != 0) {
    throw Error(fmt::format(
        "{} failed on {} ({}){}; symbol quotes need Universal Ctags with JSON output (Debian: "
        "universal-ctags)",
        ctags, path,
        WIFEXITED(output.status) ? fmt::format("exit status {}", WEXITSTATUS(output.status))
                                 : "killed by a signal",
        messages));
  }
  return definitions;
}

bool names(std::string_view name, const Definition& definition) {
  std::string wanted = without_spaces(name);
  // Parameters begin at the first '(' that is not operator()'s own.
  std::size_t call = wanted.rfind("operator()");
  std::size_t open = wanted.find('(', call == std::string::npos ? 0 : call + 10);
  if (open != std::string::npos) {
    if (without_spaces(definition.signature) != wanted.substr(open)) return false;
    wanted.erase(open);
  }
  if (wanted.empty()) return false;
  std::string qualified = without_spaces(definition.qualified);
  if (wanted.back() == '>') qualified += without_spaces(definition.specialization);
  if (qualified == wanted) return true;
  return qualified.size() > wanted.size() + 2 && qualified.ends_with(wanted) &&
         qualified.compare(qualified.size() - wanted.size() - 2, 2, "::") == 0;
}

std::vector<Definition> match_definitions(const std::vector<Definition>& definitions,
                                          std::string_view name) {
  std::vector<Definition> matches;
  for (const Definition& definition : definitions) {
    // A prototype has no body: the definition is elsewhere (out of line).
    if (definition.kind != "prototype" && names(name, definition)) matches.push_back(definition);
  }
  // `Widget` names the class, not also its constructors (`Widget::Widget`).
  std::set<std::string> types;
  for (const Definition& m : matches)
    if (m.kind != "function") types.insert(m.qualified);
  std::erase_if(matches, [&](const Definition& m) {
    std::size_t last = m.qualified.rfind("::");
    if (m.kind != "function" || last == std::string::npos) return false;
    std::string scope = m.qualified.substr(0, last);
    return scope.ends_with(m.name) && types.contains(scope) &&
           (scope.size() == m.name.size() || scope.ends_with("::" + m.name));
  });
  // `TaskPromise` names the primary template, `TaskPromise<void>` a
  // specialization.
  auto primary = [](const Definition& m) { return m.specialization.empty(); };
  if (matches.size() > 1 && std::count_if(matches.begin(), matches.end(), primary) == 1)
    std::erase_if(matches, [&](const Definition& m) { return !primary(m); });
  return matches;
}

}  // namespace lessonkit
