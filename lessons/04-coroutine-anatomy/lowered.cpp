// Lesson 04: the hand-lowered coroutine, except resume() (the exercise).
#include "lowered.hpp"

#include <new>

namespace lesson04 {

LoweredTraced lowered_body(Trace* trace, int start) {
  const std::size_t size = sizeof(LoweredFrame);
  void* memory = LoweredPromise::operator new(size, trace, start);
  // The parameter copies, then the promise.
  auto* frame = ::new (memory) LoweredFrame(trace, start);
  LoweredTraced coroutine = frame->promise.get_return_object(frame);
  frame->resume();  // run to the first suspension (here: the initial one)
  return coroutine;
}

void LoweredFrame::destroy() {
  // The locals still alive at the suspension point, newest first.
  awaiter.reset();
  pause.reset();
  local.reset();
  void* memory = this;
  this->~LoweredFrame();  // the promise, then the parameter copies
  LoweredPromise::operator delete(memory);
}

LoweredTraced::~LoweredTraced() {
  if (frame_ != nullptr) frame_->destroy();
}
void LoweredTraced::resume() { frame_->resume(); }
bool LoweredTraced::done() const { return frame_->resume_point == 4; }
TracingPromise& LoweredTraced::promise() { return frame_->promise; }

}  // namespace lesson04
