// corolab-lessonkit: keeps lessons, slides and exercises in step with the code.
//
//   corolab-lessonkit region  PATH#NAME          print a region (as a quote shows it)
//   corolab-lessonkit check   FILE.md...         every quote resolves, every copy is current
//   corolab-lessonkit update  FILE.md...         refresh the copies in place
//   corolab-lessonkit expand  IN.md OUT.md       insert the code (slides, at build time)
//   corolab-lessonkit starter SOLUTION STARTER   derive an exercise's starter
//   corolab-lessonkit solution SOLUTION          print a solution as a reader sees it
//
// Paths in quotes are relative to the repository root: --root DIR, or the
// source tree this program was built from.
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "markers.hpp"
#include "quotes.hpp"

namespace {

using namespace lessonkit;

int usage() {
  std::fputs(
      "usage: corolab-lessonkit [--root DIR] region PATH#NAME\n"
      "       corolab-lessonkit [--root DIR] check FILE.md...\n"
      "       corolab-lessonkit [--root DIR] update FILE.md...\n"
      "       corolab-lessonkit [--root DIR] expand IN.md OUT.md\n"
      "       corolab-lessonkit starter SOLUTION STARTER\n"
      "       corolab-lessonkit solution SOLUTION\n",
      stderr);
  return 2;
}

int run(const std::string& command, const std::vector<std::string>& args, const std::string& root) {
  if (command == "region" && args.size() == 1) {
    std::size_t hash = args[0].find('#');
    if (hash == std::string::npos) return usage();
    std::string path = args[0].substr(0, hash);
    fmt::print("{}", extract_region(read_file(root + "/" + path), args[0].substr(hash + 1), path));
    return 0;
  }
  if (command == "check" && !args.empty()) {
    Problems problems;
    for (const std::string& file : args) {
      Problems found = check_quotes(read_file(file), file, root);
      problems.insert(problems.end(), found.begin(), found.end());
    }
    for (const std::string& problem : problems) fmt::print(stderr, "{}\n", problem);
    return problems.empty() ? 0 : 1;
  }
  if (command == "update" && !args.empty()) {
    for (const std::string& file : args) {
      std::string before = read_file(file);
      std::string after = expand_quotes(before, file, root);
      if (after != before) {
        write_file(file, after);
        fmt::print("updated {}\n", file);
      }
    }
    return 0;
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
    fmt::print("{}", strip_markers(read_file(args[0]), args[0]));
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
