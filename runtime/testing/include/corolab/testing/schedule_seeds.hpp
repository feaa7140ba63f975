#pragma once
// schedule_seeds(): the seeds to explore interleavings with, or the one to
// replay.
//
//   for (std::uint64_t seed : corolab::testing::schedule_seeds(200)) {
//     INFO("schedule seed " << seed << " (replay: COROLAB_SCHEDULE_SEED=" << seed << ")");
//     corolab::testing::run_async_test(two_workers_share_a_counter, seed);
//   }
//
// Seeds 1..count; or, when COROLAB_SCHEDULE_SEED is set, only that seed, so
// a failure found among hundreds can be rerun alone (in a debugger, say).

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

namespace corolab::testing {

inline std::vector<std::uint64_t> schedule_seeds(std::uint64_t count) {
  if (const char* replay = std::getenv("COROLAB_SCHEDULE_SEED")) return {std::stoull(replay)};
  std::vector<std::uint64_t> seeds;
  for (std::uint64_t seed = 1; seed <= count; ++seed) seeds.push_back(seed);
  return seeds;
}

}  // namespace corolab::testing
