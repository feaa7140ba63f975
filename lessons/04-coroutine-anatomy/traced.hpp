#pragma once
// Lesson 04: a coroutine type that writes down every call the compiler makes.
//
// Every customisation point of a C++20 coroutine is a member function that
// the compiler calls at a fixed moment: allocating the frame, building the
// promise, handing the caller its object, the initial and final suspension,
// each co_await, co_yield and co_return, an escaping exception, freeing the
// frame. Here each one appends a line to a Trace, so that a test (and the
// stage) can print the whole life of a coroutine, in order.

#include <fmt/format.h>

#include <coroutine>
#include <cstddef>
#include <exception>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace lesson04 {

using Trace = std::vector<std::string>;

// An awaiter that always suspends, and says so at each of its three steps.
struct TracedAwaiter {
  Trace* trace;
  const char* name;
  int result = 0;  // what `co_await` gives back

  // #region awaiter_steps
  bool await_ready() const noexcept {
    log("await_ready -> false");
    return false;
  }
  // Any kind of handle: the hand-lowered frame passes its own.
  template <typename Handle>
  void await_suspend(Handle) const noexcept {
    log("await_suspend");
  }
  int await_resume() const noexcept {
    log("await_resume");
    return result;
  }
  // #endregion awaiter_steps

  void log(const char* step) const { trace->push_back(fmt::format("  {}: {}", name, step)); }
};

// A local variable of the body that says when it is born and when it dies.
struct TracedLocal {
  explicit TracedLocal(Trace* trace) : trace(trace) { trace->push_back("local constructed"); }
  ~TracedLocal() { trace->push_back("local destroyed"); }
  TracedLocal(const TracedLocal&) = delete;
  TracedLocal& operator=(const TracedLocal&) = delete;
  Trace* trace;
};

// Every hook of a promise but get_return_object (which depends on the
// coroutine type: Traced, or the hand-lowered LoweredTraced).
struct TracingPromise {
  // Built from the coroutine's parameters, when a constructor takes them.
  TracingPromise(Trace* trace, int start) : trace(trace) {
    log(fmt::format("promise constructed (start {})", start));
  }
  ~TracingPromise() { log("promise destroyed"); }
  TracingPromise(const TracingPromise&) = delete;
  TracingPromise& operator=(const TracingPromise&) = delete;

  TracedAwaiter initial_suspend() {
    log("initial_suspend");
    return {trace, "initial"};
  }
  // #region yield_return
  TracedAwaiter yield_value(int value) {
    log(fmt::format("yield_value({})", value));
    result = value;
    return {trace, "yield"};
  }
  void return_value(int value) {
    log(fmt::format("return_value({})", value));
    result = value;
  }
  void unhandled_exception() {
    log("unhandled_exception");
    exception = std::current_exception();
  }
  // #endregion yield_return
  TracedAwaiter final_suspend() noexcept {
    log("final_suspend");
    return {trace, "final"};
  }

  // The frame's memory: the compiler asks the promise type first, passing
  // the coroutine's parameters too.
  static void* operator new(std::size_t frame_size, Trace* trace, int /*start*/) {
    trace->push_back("operator new (the frame)");
    // operator delete gets only the address: keep the trace just in front.
    auto* block = static_cast<std::byte*>(::operator new(kHeader + frame_size));
    ::new (block) Trace*(trace);
    return block + kHeader;
  }
  static void operator delete(void* frame) noexcept {
    std::byte* block = static_cast<std::byte*>(frame) - kHeader;
    (*std::launder(reinterpret_cast<Trace**>(block)))->push_back("operator delete (the frame)");
    ::operator delete(block);
  }

  void log(std::string line) { trace->push_back(std::move(line)); }

  Trace* trace;
  std::optional<int> result;     // the last value yielded or returned
  std::exception_ptr exception;  // what the body threw, if anything

 private:
  static constexpr std::size_t kHeader =
      __STDCPP_DEFAULT_NEW_ALIGNMENT__;  // keeps the frame aligned
};

// The compiler's version: a coroutine type around TracingPromise.
class Traced {
 public:
  struct promise_type : TracingPromise {
    using TracingPromise::TracingPromise;
    Traced get_return_object() {
      log("get_return_object");
      return Traced{std::coroutine_handle<promise_type>::from_promise(*this)};
    }
  };

  Traced(Traced&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
  Traced& operator=(Traced) = delete;
  ~Traced() {
    if (handle_) handle_.destroy();
  }

  void resume() { handle_.resume(); }
  bool done() const { return handle_.done(); }
  TracingPromise& promise() { return handle_.promise(); }

 private:
  explicit Traced(std::coroutine_handle<promise_type> handle) : handle_(handle) {}
  std::coroutine_handle<promise_type> handle_;
};

// The coroutine this lesson takes apart (the compiler's version).
inline Traced traced_body(Trace* trace, int start) {
  trace->push_back("body: begins");
  TracedLocal local(trace);
  TracedAwaiter pause{trace, "pause", 10};
  const int got = co_await pause;
  if (start < 0) throw std::runtime_error("negative start");
  co_yield start + got;
  co_return start * 2;
}

// The caller's side, the same for both versions: call, resume up to
// `resumes` times (less if it finishes), then destroy.
template <typename Coroutine>
Trace drive(Coroutine (*coroutine_function)(Trace*, int), int start, int resumes) {
  Trace trace;
  {
    trace.push_back("caller: call");
    Coroutine coroutine = coroutine_function(&trace, start);
    for (int i = 0; i < resumes && !coroutine.done(); ++i) {
      trace.push_back("caller: resume");
      coroutine.resume();
    }
    if (coroutine.done())
      trace.push_back(coroutine.promise().exception ? "caller: done, it threw" : "caller: done");
    trace.push_back("caller: destroy");
  }  // ~Traced destroys the frame here
  return trace;
}

}  // namespace lesson04
