// SIGTERM as SIGINT while a foreign solver holds the main thread.
//
// PySAT's non-interruptible backends (CaDiCaL 1.9.5) stop a search only through their
// own C-level SIGINT handler, which jumps out of the search on the main thread.  They
// keep the GIL while searching, so a Python-level SIGTERM handler cannot run until the
// search ends.  While forwarding is on, a C-level SIGTERM handler re-sends the signal as
// SIGINT to the main thread (pthread_kill: the jump must happen on the thread that
// searches), and the caller restores the previous handler afterwards.
#include <pthread.h>
#include <signal.h>

#include <pybind11/pybind11.h>

namespace {

pthread_t main_thread;
struct sigaction previous;
bool forwarding = false;

void forward_to_main(int) { pthread_kill(main_thread, SIGINT); }

void forward_sigterm(bool on) {
  if (on == forwarding) return;
  if (on) {
    main_thread = pthread_self();
    struct sigaction action {};
    action.sa_handler = forward_to_main;
    sigemptyset(&action.sa_mask);
    sigaction(SIGTERM, &action, &previous);
  } else {
    sigaction(SIGTERM, &previous, nullptr);
  }
  forwarding = on;
}

}  // namespace

void bind_signals(pybind11::module_& m) {
  m.def("forward_sigterm", &forward_sigterm, pybind11::arg("on"),
        "while on, SIGTERM is re-sent as SIGINT to the calling (main) thread; off restores the old handler");
}
