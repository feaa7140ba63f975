#include "corolab/detail/frame_allocator.hpp"

namespace corolab::detail::frame_allocator {

namespace {

// Frees a thread's cached frames when the thread ends. It is a separate
// thread_local, touched only here, because an object with a destructor costs
// a guard check on every access and the allocator's fast path must not pay it.
struct ThreadCleanup {
  ThreadCleanup() noexcept { cache.cleanup_registered = true; }
  ~ThreadCleanup() {
    cache.exiting = true;  // frames freed after this go straight to the OS allocator
    for (std::size_t index = 0; index < class_count; ++index) {
      while (FreeBlock* block = cache.head[index]) {
        cache.head[index] = block->next;
        ::operator delete(block);
      }
      cache.count[index] = 0;
    }
  }
};

}  // namespace

void register_thread_cleanup() noexcept {
  thread_local ThreadCleanup cleanup;
  (void)cleanup;  // constructing it is the registration
}

}  // namespace corolab::detail::frame_allocator
