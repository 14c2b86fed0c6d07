// Restarts and search modes.
//
// Focused mode restarts glucose-style (Audemard, Simon, CP 2012, with the bias-corrected
// EMAs of Biere, Fröhlich, POS 2015): when the fast moving average of learned-clause
// LBDs exceeds the slow one by a margin, recent conflicts are worse than usual.  Stable
// mode restarts rarely, after Luby-sequence multiples of a base interval (Luby,
// Sinclair, Zuckerman 1993).  With `stable = 2` the modes alternate, each phase twice as
// long as the previous pair (CaDiCaL, Kissat).  Backtracking saves phases.
#include "solver.hpp"

namespace cl {

static uint64_t luby(uint64_t i) {  // 1 1 2 1 1 2 4 1 1 2 1 1 2 4 8 ...
  uint64_t size = 1, seq = 0;
  while (size < i + 1) {
    ++seq;
    size = 2 * size + 1;
  }
  while (size - 1 != i) {
    size = (size - 1) >> 1;
    --seq;
    i = i % size;
  }
  return uint64_t(1) << seq;
}

void Solver::backtrack(int level) {
  if (decision_level() <= level) return;
  size_t keep = trail_lim_[static_cast<size_t>(level)];
  for (size_t i = trail_.size(); i-- > keep;) {
    Lit l = trail_[i];
    Var v = var_of(l);
    vals_[l] = 0;
    vals_[neg(l)] = 0;
    level_[v] = LEVEL_NONE;
    saved_[v] = (l & 1u) ? -1 : 1;
    on_unassign(v);
  }
  trail_.resize(keep);
  trail_lim_.resize(static_cast<size_t>(level));
  if (qhead_ > keep) qhead_ = keep;
}

bool Solver::should_restart() {
  bool ema = opts.restarts == 0 || (opts.restarts == 2 && !stable_mode_);
  if (ema)
    return conflicts_since_restart_ >= static_cast<uint64_t>(opts.restart_min) &&
           fast_lbd_.value > static_cast<double>(opts.restart_margin) / 100.0 * slow_lbd_.value;
  return conflicts_since_restart_ >= luby_limit_;
}

// Trail reuse (van der Tak, Ramos, Heule, JSAT 2011): the decisions that the heuristic
// would take again right after a restart are kept.  Backtrack only to the first level
// whose decision ranks below the variable the next decision would pick.
int Solver::reuse_trail_level() {
  if (!opts.reuse_trail || assumptions_.size() >= static_cast<size_t>(decision_level())) return 0;
  Var next = static_cast<Var>(-1);
  if (use_vmtf()) {
    Var u = q_search_;
    while (value(make_lit(u, false)) != 0 && u != q_first_) u = prev_[u];
    if (value(make_lit(u, false)) == 0) next = u;
  } else {
    while (!heap_.empty() && value(make_lit(heap_[0], false)) != 0) heap_pop();
    if (!heap_.empty()) next = heap_[0];
  }
  if (next == static_cast<Var>(-1)) return 0;
  int keep = static_cast<int>(assumptions_.size());
  while (keep < decision_level()) {
    Var d = var_of(trail_[trail_lim_[static_cast<size_t>(keep)]]);
    bool better = use_vmtf() ? btab_[d] > btab_[next] : activity_[d] > activity_[next];
    if (!better) break;
    ++keep;
  }
  if (keep > static_cast<int>(assumptions_.size())) ++stats.reused_trails;
  return keep;
}

void Solver::restart() {
  backtrack(reuse_trail_level());
  ++stats.restarts;
  conflicts_since_restart_ = 0;
  ++luby_index_;
  luby_limit_ = static_cast<uint64_t>(opts.luby_base) * luby(luby_index_);
}

void Solver::maybe_switch_mode() {
  if (opts.stable != 2 || stats.conflicts < next_mode_switch_) return;
  stable_mode_ = !stable_mode_;
  ++stats.mode_switches;
  if (!stable_mode_) mode_length_ *= 2;  // a focused + stable pair done: double
  next_mode_switch_ = stats.conflicts + mode_length_;
  backtrack(0);  // a full restart: the other mode's heuristic takes over
  restart();
}

}  // namespace cl
