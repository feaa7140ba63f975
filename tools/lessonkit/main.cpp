// corolab-lessonkit: keeps lessons, slides and exercises in step with the code.
//
//   corolab-lessonkit quote   PATH#NAME [starter] print what a quote shows
//   corolab-lessonkit check   FILE.md...         every quote resolves, every copy is current
//     (--no-solutions: and none shows an exercise's solution: for slide decks)
//   corolab-lessonkit update  FILE.md...         refresh the copies in place
//   corolab-lessonkit expand  IN.md OUT.md       insert the code (slides, at build time)
//   corolab-lessonkit starter SOLUTION STARTER   derive an exercise's starter
//   corolab-lessonkit solution SOLUTION          print a solution as a finished workspace
//                                                copy reads (EXERCISE lines kept)
//   corolab-lessonkit markers DIR...             count the markers in C++ files, check
//                                                the budget (--per-file N: at most 40 a
//                                                file; --total N: fewer than 90 in all),
//                                                nesting, header comments
//
// Paths in quotes are relative to the repository root: --root DIR, or the
// source tree this program was built from.
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "markers.hpp"
#include "quotes.hpp"

namespace {

using namespace lessonkit;

int usage() {
  std::fputs(
      "usage: corolab-lessonkit [--root DIR] quote PATH#NAME [starter]\n"
      "       corolab-lessonkit [--root DIR] check [--no-solutions] FILE.md...\n"
      "       corolab-lessonkit [--root DIR] update FILE.md...\n"
      "       corolab-lessonkit [--root DIR] expand IN.md OUT.md\n"
      "       corolab-lessonkit starter SOLUTION STARTER\n"
      "       corolab-lessonkit solution SOLUTION\n"
      "       corolab-lessonkit markers [--per-file N] [--total N] DIR...\n",
      stderr);
  return 2;
}

// The marker budget: marker lines are scaffolding in code that is read
// for itself, so whole definitions are quoted by name and markers are kept
// for exercises and real fragments. Counts every .cpp and .hpp under the
// directories; fails when a file has more than `per_file`, when they have
// `total` or more together, or when audit_markers finds a problem.
int check_markers(const std::vector<std::string>& directories, std::size_t per_file,
                  std::size_t total) {
  std::vector<std::pair<std::string, MarkerAudit>> files;
  for (const std::string& directory : directories) {
    if (!std::filesystem::is_directory(directory))
      throw Error(fmt::format("{}: not a directory", directory));
    for (const auto& entry : std::filesystem::recursive_directory_iterator(directory)) {
      std::string extension = entry.path().extension().string();
      if (!entry.is_regular_file() || (extension != ".cpp" && extension != ".hpp")) continue;
      std::string path = entry.path().string();
      files.emplace_back(path, audit_markers(read_file(path), path));
    }
  }
  std::sort(files.begin(), files.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> problems;
  std::size_t sum = 0;
  for (const auto& [path, audit] : files) {
    if (audit.markers == 0) continue;
    fmt::print("{:4} {}\n", audit.markers, path);
    sum += audit.markers;
    if (audit.markers > per_file) {
      problems.push_back(
          fmt::format("{}: {} marker lines, more than {} (quote whole definitions by name)", path,
                      audit.markers, per_file));
    }
    problems.insert(problems.end(), audit.problems.begin(), audit.problems.end());
  }
  fmt::print("{:4} in all (budget: fewer than {})\n", sum, total);
  if (sum >= total) {
    problems.push_back(
        fmt::format("{} marker lines in all, the budget is fewer than {}", sum, total));
  }
  for (const std::string& problem : problems) fmt::print(stderr, "{}\n", problem);
  return problems.empty() ? 0 : 1;
}

int run(const std::string& command, std::vector<std::string> args, const std::string& root) {
  if ((command == "quote" || command == "region") && !args.empty() && args.size() <= 2) {
    if (args[0].find('#') == std::string::npos) return usage();
    if (args.size() == 2 && args[1] != "starter") return usage();
    fmt::print("{}", quote(args.size() == 2 ? args[0] + " starter" : args[0], root));
    return 0;
  }
  if (command == "markers") {
    std::size_t per_file = 40, total = 90;
    while (args.size() >= 2 && (args[0] == "--per-file" || args[0] == "--total")) {
      (args[0] == "--per-file" ? per_file : total) = std::stoul(args[1]);
      args.erase(args.begin(), args.begin() + 2);
    }
    if (args.empty()) return usage();
    return check_markers(args, per_file, total);
  }
  if (command == "check" && !args.empty()) {
    Solutions solutions = Solutions::allowed;
    if (args[0] == "--no-solutions") {
      solutions = Solutions::hidden;
      args.erase(args.begin());
    }
    Problems problems;
    for (const std::string& file : args) {
      Problems found = check_quotes(read_file(file), file, root, solutions);
      problems.insert(problems.end(), found.begin(), found.end());
    }
    for (const std::string& problem : problems) fmt::print(stderr, "{}\n", problem);
    return problems.empty() ? 0 : 1;
  }
  if (command == "update" && !args.empty()) {
    // Every file that can be updated is, even when another has a bad quote.
    bool failed = false;
    for (const std::string& file : args) {
      try {
        std::string before = read_file(file);
        std::string after = expand_quotes(before, file, root);
        if (after != before) {
          write_file(file, after);
          fmt::print("updated {}\n", file);
        }
      } catch (const Error& e) {
        fmt::print(stderr, "corolab-lessonkit: {}\n", e.what());
        failed = true;
      }
    }
    return failed ? 1 : 0;
  }
  if (command == "expand" && args.size() == 2) {
    std::filesystem::create_directories(std::filesystem::path(args[1]).parent_path());
    write_file(args[1], expand_quotes(read_file(args[0]), args[0], root));
    return 0;
  }
  if (command == "starter" && args.size() == 2) {
    std::filesystem::create_directories(std::filesystem::path(args[1]).parent_path());
    write_file(args[1], make_starter(read_file(args[0]), args[0]));
    return 0;
  }
  if (command == "solution" && args.size() == 1) {
    fmt::print("{}", solved_copy(read_file(args[0]), args[0]));
    return 0;
  }
  return usage();
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string root = COROLAB_SOURCE_DIR;
  if (args.size() >= 2 && args[0] == "--root") {
    root = args[1];
    args.erase(args.begin(), args.begin() + 2);
  }
  if (args.empty()) return usage();
  std::string command = args[0];
  args.erase(args.begin());
  try {
    return run(command, args, root);
  } catch (const std::exception& e) {
    fmt::print(stderr, "corolab-lessonkit: {}\n", e.what());
    return 1;
  }
}
