#pragma once
// What every benchmark program shares: a clock, a repeat-and-keep-the-best
// helper, the --smoke switch, and the table row each program prints.
//
// Each program measures the same work twice, written with corolab and with
// Asio's C++20 coroutines, in the same binary, and prints one Markdown row
// per figure: benchmark | corolab | Asio | ratio | target | met?
// The ratio is Asio's figure over corolab's: how many times faster (or
// smaller) corolab is.

#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>

namespace bench {

using Clock = std::chrono::steady_clock;

inline double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// --smoke: tiny sizes, to prove the program builds and completes.
inline bool smoke_mode(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--smoke") == 0) return true;
  }
  return false;
}

// Runs `measure` `repeats` times and keeps the best figure: the run least
// disturbed by other load. Best is lowest (a time, a size) unless told
// otherwise: `std::greater<>{}` for a rate.
template <typename Measure, typename Better = std::less<>>
double best_of(int repeats, Measure measure, Better better = {}) {
  double best = measure();
  for (int i = 1; i < repeats; ++i) {
    const double figure = measure();
    if (better(figure, best)) best = figure;
  }
  return best;
}

// One row of the table. `min_ratio` is the target: corolab at least that
// many times better (0: no target). `max_corolab` is an absolute target on
// corolab's figure (0: none).
inline void print_row(const std::string& name, const std::string& unit, double corolab, double asio,
                      double min_ratio, double max_corolab = 0) {
  const double ratio = asio / corolab;
  std::string target;
  bool met = true;
  if (min_ratio > 0) {
    target = ">= " + std::to_string(static_cast<int>(min_ratio)) + "x";
    met = ratio >= min_ratio;
  }
  if (max_corolab > 0) {
    char text[64];
    std::snprintf(text, sizeof text, "%s< %g %s", target.empty() ? "" : ", ", max_corolab,
                  unit.c_str());
    target += text;
    met = met && corolab < max_corolab;
  }
  if (target.empty()) target = "-";
  std::printf("| %s | %.4g %s | %.4g %s | %.2fx | %s | %s |\n", name.c_str(), corolab, unit.c_str(),
              asio, unit.c_str(), ratio, target.c_str(),
              (min_ratio > 0 || max_corolab > 0) ? (met ? "yes" : "NO") : "-");
  std::fflush(stdout);
}

// A row for a rate (requests or messages per second: higher is better); the
// ratio is then corolab's figure over the other's, and `min_ratio` the target.
inline void print_rate_row(const std::string& name, const std::string& unit, double corolab,
                           double other, double min_ratio) {
  const double ratio = corolab / other;
  std::string target = "-";
  if (min_ratio > 0) {
    char text[32];
    std::snprintf(text, sizeof text, ">= %gx", min_ratio);
    target = text;
  }
  std::printf("| %s | %.4g %s | %.4g %s | %.2fx | %s | %s |\n", name.c_str(), corolab, unit.c_str(),
              other, unit.c_str(), ratio, target.c_str(),
              min_ratio > 0 ? (ratio >= min_ratio ? "yes" : "NO") : "-");
  std::fflush(stdout);
}

}  // namespace bench
