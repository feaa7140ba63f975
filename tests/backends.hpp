#pragma once
// Runs a test section once per reactor backend available on this machine.
//
//   auto kind = GENERATE(from_range(every_reactor_kind()));
//   corolab::EventLoop loop{kind};

#include <catch2/catch.hpp>

#include <vector>

#include "corolab/reactor.hpp"

inline std::vector<corolab::ReactorKind> every_reactor_kind() {
  auto kinds = corolab::available_reactor_kinds();
  return {kinds.begin(), kinds.end()};
}
