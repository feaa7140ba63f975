#pragma once
// Lesson 04: traced_body (traced.hpp), lowered by hand.
//
// What the compiler makes of a coroutine, written out as ordinary C++: a
// frame struct holding the parameters, the promise, the locals and the
// index of the suspension point to continue from; a "ramp" function (what
// the caller actually calls); resume() and destroy().

#include <optional>
#include <utility>

#include "traced.hpp"

namespace lesson04 {

// The standard describes the body as wrapped like this ([dcl.fct.def.coroutine]):
//
// #region lowering
//   {
//     promise_type promise(parameters...);
//     try {
//       co_await promise.initial_suspend();
//       body
//     } catch (...) {
//       if (!initial_await_resume_called) throw;
//       promise.unhandled_exception();
//     }
//   final_suspend:
//     co_await promise.final_suspend();
//   }
// #endregion lowering
//
// with every `co_await a` as: a.await_ready(), else a.await_suspend(handle)
// and return to the caller; on resume, a.await_resume().

struct LoweredFrame;

// A handle to a hand-made frame: like std::coroutine_handle, just its address.
struct LoweredHandle {
  LoweredFrame* frame;
};

// The caller's object: the same interface as Traced.
class LoweredTraced {
 public:
  explicit LoweredTraced(LoweredFrame* frame) : frame_(frame) {}
  LoweredTraced(LoweredTraced&& other) noexcept : frame_(std::exchange(other.frame_, nullptr)) {}
  LoweredTraced& operator=(LoweredTraced) = delete;
  ~LoweredTraced();

  void resume();
  bool done() const;
  TracingPromise& promise();

 private:
  LoweredFrame* frame_;
};

struct LoweredPromise : TracingPromise {
  using TracingPromise::TracingPromise;
  // The compiler finds the frame from the promise's address
  // (coroutine_handle::from_promise); here it is passed in.
  LoweredTraced get_return_object(LoweredFrame* frame) {
    log("get_return_object");
    return LoweredTraced{frame};
  }
};

struct LoweredFrame {
  LoweredFrame(Trace* trace_parameter, int start_parameter)
      : trace(trace_parameter), start(start_parameter), promise(trace, start) {}

  void resume();   // runs the body from `resume_point` to its next suspension
  void destroy();  // ends the locals in scope, the promise, frees the memory

  // The parameters, copied into the frame; the promise is built from the copies.
  Trace* trace;
  int start;
  LoweredPromise promise;

  // #region frame_fields
  // Where resume() continues: 0 not started, 1 initial suspend,
  // 2 `co_await pause`, 3 `co_yield`, 4 final suspend.
  int resume_point = 0;
  bool initial_await_resume_called = false;

  // The body's locals, hoisted into the frame. std::optional: they are
  // born and die in the middle of the frame's life.
  std::optional<TracedLocal> local;
  std::optional<TracedAwaiter> pause;
  int got = 0;
  std::optional<TracedAwaiter> awaiter;  // initial, yield or final
  // #endregion frame_fields
};

// The ramp: what a call to the coroutine does.
LoweredTraced lowered_body(Trace* trace, int start);

}  // namespace lesson04
