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

void Solver::restart() {
  backtrack(0);
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
  restart();
}

}  // namespace cl
