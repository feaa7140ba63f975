// corolab-trace-svg trace.json out.svg [--width PIXELS] [--rows N] [--title TEXT]
//                   [--hide NAME_PREFIX]...
#include <fmt/core.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>

#include "trace_svg.hpp"

int main(int argc, char** argv) {
  corolab::trace_svg::Options options;
  std::string paths[2];
  int path_count = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--width" && i + 1 < argc) {
      options.width = std::atoi(argv[++i]);
    } else if (arg == "--rows" && i + 1 < argc) {
      options.max_rows = static_cast<std::size_t>(std::atoi(argv[++i]));
    } else if (arg == "--title" && i + 1 < argc) {
      options.title = argv[++i];
    } else if (arg == "--hide" && i + 1 < argc) {
      options.hide.emplace_back(argv[++i]);
    } else if (path_count < 2 && !arg.starts_with("--")) {
      paths[path_count++] = arg;
    } else {
      path_count = -1;
      break;
    }
  }
  if (path_count != 2 || options.width < 400) {
    fmt::print(stderr,
               "usage: corolab-trace-svg trace.json out.svg [--width PIXELS>=400] [--rows N] "
               "[--title TEXT] [--hide NAME_PREFIX]...\n");
    return 2;
  }
  try {
    std::ifstream in(paths[0]);
    if (!in) throw std::runtime_error("cannot read " + paths[0]);
    const nlohmann::json trace = nlohmann::json::parse(in);
    if (options.title == corolab::trace_svg::Options{}.title) options.title = paths[0];
    std::ofstream out(paths[1]);
    out << corolab::trace_svg::render(trace, options);
    if (!out) throw std::runtime_error("cannot write " + paths[1]);
  } catch (const std::exception& e) {
    fmt::print(stderr, "corolab-trace-svg: {}\n", e.what());
    return 1;
  }
  return 0;
}
