// Links corolab::http from the installed package: the client can be made.
#include <corolab/event_loop.hpp>
#include <corolab/http/client.hpp>

int main() {
  corolab::EventLoop loop;
  corolab::http::Client client;
  return client.in_flight() == 0 ? 0 : 1;
}
