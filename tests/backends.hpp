#pragma once
// Runs a test section once per reactor backend available on this machine.
//
//   auto kind = GENERATE(from_range(every_reactor_kind()));
//   corolab::EventLoop loop{kind};                          // real time
//   corolab::EventLoop loop(virtual_time_on(kind));         // virtual time

#include <catch2/catch.hpp>
#include <vector>

#include "corolab/event_loop.hpp"
#include "corolab/reactor.hpp"

inline std::vector<corolab::ReactorKind> every_reactor_kind() {
  auto kinds = corolab::available_reactor_kinds();
  return {kinds.begin(), kinds.end()};
}

// A loop on virtual time that uses the given reactor backend.
inline corolab::LoopOptions virtual_time_on(corolab::ReactorKind kind) {
  corolab::LoopOptions options = corolab::LoopOptions::virtual_time();
  options.reactor = kind;
  return options;
}
