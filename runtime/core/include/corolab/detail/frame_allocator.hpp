#pragma once
// A recycling allocator for coroutine frames.
//
// Why: every `co_await child()` creates a frame and destroys it a moment
// later. Clang can sometimes put that frame in the caller's frame (HALO);
// g++ never does, so each await costs a malloc and a free. Most programs
// create the same few frame sizes again and again, so we keep freed frames
// and hand them out again: a pop and a push on a per-thread list.
//
// The design, in four rules:
// * Size classes: a frame's size is rounded up to a multiple of 16 bytes,
//   and each class (16, 32, ... 1024 bytes) has its own free list. Larger
//   frames are rare and go straight to ::operator new.
// * Per thread, no locks: the lists are thread_local. A block comes from
//   ::operator new in its class's rounded size, so any thread may reuse it:
//   a frame freed on another thread simply joins *that* thread's list.
// * Bounded: a list keeps at most `cache_bytes_per_class` bytes of frames;
//   beyond that, frees go back to ::operator delete. After a burst (a
//   million sleeping tasks that all finish), the cache stays small.
// * At thread exit the cached frames are freed (a thread_local destructor,
//   registered the first time a frame is cached, so the fast path never pays
//   for a guard check).
//
// Waiters borrow it too, for their stop callbacks (detail/waiter.hpp): a
// small block taken and given back around every wait that can be stopped.
//
// Under AddressSanitizer recycling is off: a recycled frame is still
// "allocated" as far as ASan knows, so a use after free of a task frame would
// go unnoticed. The build option COROLAB_FRAME_ALLOCATOR=OFF turns it off
// too, to measure what it buys.

#include <cstddef>
#include <new>

#if defined(__SANITIZE_ADDRESS__)
#define COROLAB_DETAIL_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define COROLAB_DETAIL_ASAN 1
#endif
#endif

#ifndef COROLAB_FRAME_ALLOCATOR
#define COROLAB_FRAME_ALLOCATOR 1
#endif

#if COROLAB_FRAME_ALLOCATOR && !defined(COROLAB_DETAIL_ASAN)
#define COROLAB_FRAME_RECYCLING 1
#else
#define COROLAB_FRAME_RECYCLING 0
#endif

namespace corolab::detail::frame_allocator {

inline constexpr std::size_t granularity = 16;
inline constexpr std::size_t largest_cached = 1024;
inline constexpr std::size_t class_count = largest_cached / granularity;
inline constexpr std::size_t cache_bytes_per_class = 256 * 1024;

// A free frame's first bytes link it to the next free frame of its class.
struct FreeBlock {
  FreeBlock* next;
};

struct ThreadCache {
  FreeBlock* head[class_count];
  std::size_t count[class_count];
  bool cleanup_registered;
  bool exiting;  // the thread's cleanup ran: stop caching
};

// Constant-initialized and trivially destructible: g++ and clang access it
// without a guard or a wrapper call.
inline constinit thread_local ThreadCache cache{};

// Out of line (frame_allocator.cpp): the first cached frame of a thread
// registers the cleanup that frees the cache when the thread ends.
void register_thread_cleanup() noexcept;

// 0 for 1..16 bytes, 1 for 17..32, ...
constexpr std::size_t class_of(std::size_t size) noexcept { return (size - 1) / granularity; }

inline void* allocate(std::size_t size) {
#if COROLAB_FRAME_RECYCLING
  const std::size_t index = class_of(size);
  if (index < class_count) {
    if (FreeBlock* block = cache.head[index]) {
      cache.head[index] = block->next;
      --cache.count[index];
      return block;
    }
    // Allocate the whole class size, so that the block fits any frame of it.
    return ::operator new((index + 1) * granularity);
  }
#endif
  return ::operator new(size);
}

inline void deallocate(void* frame, std::size_t size) noexcept {
#if COROLAB_FRAME_RECYCLING
  const std::size_t index = class_of(size);
  if (index < class_count &&
      (index + 1) * granularity * cache.count[index] < cache_bytes_per_class && !cache.exiting) {
    if (!cache.cleanup_registered) register_thread_cleanup();
    cache.head[index] = ::new (frame) FreeBlock{cache.head[index]};
    ++cache.count[index];
    return;
  }
#else
  (void)size;
#endif
  ::operator delete(frame);
}

}  // namespace corolab::detail::frame_allocator
