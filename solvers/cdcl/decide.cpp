// Decisions: which variable, and which value.
//
// Variable order.  VSIDS (Moskewicz et al., DAC 2001, in MiniSat's exponential form):
// every variable met in conflict analysis gains an activity increment that grows by
// 1/decay per conflict; a binary max-heap yields the most active unassigned variable.
// VMTF (Ryan 2004; Biere, Fröhlich, SAT 2015): analysed variables move to the front of
// a queue in the order of their previous bump stamps; a search pointer remembers the
// front-most unassigned variable.  Option `heuristic` picks one or lets the search mode
// pick (VMTF focused, VSIDS stable, as CaDiCaL does).
//
// Value.  A variable takes its saved phase (its last value: phase saving, Pipatsrisawat,
// Darwiche 2007), or in stable mode its target phase (the values of the longest
// conflict-free trail since the last rephase).  Rephasing (Biere, Fleury, POS 2020)
// periodically resets the saved phases to the best trail's values, the original phase
// or its inverse.
//
// Guidance hooks.  Given phases become the original phase (or are forced at every
// decision); given priorities seed both orders, and for the first `priority_window`
// conflicts decisions take the highest-priority unassigned variable outright.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "solver.hpp"

namespace cl {

void Solver::init_var(Var v) {
  vals_.push_back(0);
  vals_.push_back(0);
  watches_.emplace_back();
  watches_.emplace_back();
  level_.push_back(LEVEL_NONE);
  reason_.push_back(NO_REF);
  seen_.push_back(0);
  level_stamp_.push_back(0);
  level_stamp_.push_back(0);
  activity_.push_back(0);
  heap_pos_.push_back(-1);
  saved_.push_back(opts.phase ? 1 : -1);
  target_.push_back(0);
  best_.push_back(0);
  given_phase_.push_back(0);
  priority_.push_back(NAN);
  priority_rank_.push_back(-1);
  unit_logged_.push_back(0);
  model_.push_back(0);
  eliminated_.push_back(0);
  frozen_.push_back(0);
  // VMTF: new variables enter at the front
  prev_.push_back(v);
  next_.push_back(v);
  btab_.push_back(++q_stamp_);
  if (v == 0) {
    q_first_ = q_last_ = 0;
  } else {
    prev_[v] = q_last_;
    next_[q_last_] = v;
    q_last_ = v;
  }
  next_[v] = v;  // v is last: next points to itself
  q_search_ = v;
  heap_insert(v);
}

void Solver::reserve_vars(Var n) {
  while (num_vars() < n) init_var(num_vars());
}

// ---- VSIDS heap ------------------------------------------------------------------
void Solver::heap_up(int i) {
  Var v = heap_[i];
  while (i > 0) {
    int parent = (i - 1) / 2;
    if (activity_[heap_[parent]] >= activity_[v]) break;
    heap_[i] = heap_[parent];
    heap_pos_[heap_[i]] = i;
    i = parent;
  }
  heap_[i] = v;
  heap_pos_[v] = i;
}

void Solver::heap_down(int i) {
  Var v = heap_[i];
  int n = static_cast<int>(heap_.size());
  for (;;) {
    int child = 2 * i + 1;
    if (child >= n) break;
    if (child + 1 < n && activity_[heap_[child + 1]] > activity_[heap_[child]]) ++child;
    if (activity_[heap_[child]] <= activity_[v]) break;
    heap_[i] = heap_[child];
    heap_pos_[heap_[i]] = i;
    i = child;
  }
  heap_[i] = v;
  heap_pos_[v] = i;
}

void Solver::heap_insert(Var v) {
  if (heap_contains(v)) return;
  heap_pos_[v] = static_cast<int>(heap_.size());
  heap_.push_back(v);
  heap_up(heap_pos_[v]);
}

Var Solver::heap_pop() {
  Var top = heap_[0];
  Var last = heap_.back();
  heap_.pop_back();
  heap_pos_[top] = -1;
  if (!heap_.empty()) {
    heap_[0] = last;
    heap_pos_[last] = 0;
    heap_down(0);
  }
  return top;
}

void Solver::bump_var_vsids(Var v) {
  if ((activity_[v] += var_inc_) > 1e100) {
    for (double& a : activity_) a *= 1e-100;
    var_inc_ *= 1e-100;
  }
  if (heap_contains(v)) heap_up(heap_pos_[v]);
}

// ---- VMTF queue (prev_ points towards the front, i.e. older bumps) --------------------
// q_first_ is the least recently bumped variable, q_last_ the most recent; decisions
// walk from q_search_ towards q_first_.
void Solver::vmtf_move_to_front(Var v) {
  if (v == q_last_) {
    btab_[v] = ++q_stamp_;
    if (value(make_lit(v, false)) == 0) q_search_ = v;
    return;
  }
  // unlink
  if (v == q_first_) {
    q_first_ = next_[v];
    prev_[q_first_] = q_first_;
  } else {
    next_[prev_[v]] = next_[v];
    prev_[next_[v]] = prev_[v];
  }
  // append after q_last_
  prev_[v] = q_last_;
  next_[q_last_] = v;
  next_[v] = v;
  q_last_ = v;
  btab_[v] = ++q_stamp_;
  if (value(make_lit(v, false)) == 0) q_search_ = v;
}

bool Solver::use_vmtf() const {
  return opts.heuristic == 1 || (opts.heuristic == 2 && !stable_mode_);
}

void Solver::bump_vars() {
  if (use_vmtf()) {
    std::sort(bumped_.begin(), bumped_.end(), [&](Var a, Var b) { return btab_[a] < btab_[b]; });
    for (Var v : bumped_) vmtf_move_to_front(v);
  } else {
    for (Var v : bumped_) bump_var_vsids(v);
    var_inc_ *= 1000.0 / static_cast<double>(opts.vsids_decay);
  }
}

void Solver::on_unassign(Var v) {
  heap_insert(v);
  if (btab_[v] > btab_[q_search_]) q_search_ = v;
  int rank = priority_rank_[v];
  if (rank >= 0 && static_cast<size_t>(rank) < priority_next_) priority_next_ = static_cast<size_t>(rank);
}

// ---- guidance ----------------------------------------------------------------------
void Solver::set_phases(const int8_t* phases, size_t n) {
  if (n != num_vars()) throw InputError("phases: one entry per variable expected");
  for (size_t v = 0; v < n; ++v) {
    int8_t p = phases[v] > 0 ? 1 : phases[v] < 0 ? -1 : 0;
    given_phase_[v] = p;
    if (p) saved_[v] = p;
  }
}

void Solver::set_priorities(const double* prio, size_t n) {
  if (n != num_vars()) throw InputError("priorities: one entry per variable expected");
  priority_order_.clear();
  for (size_t v = 0; v < n; ++v) {
    priority_[v] = prio[v];
    priority_rank_[v] = -1;
    if (std::isfinite(prio[v])) priority_order_.push_back(static_cast<Var>(v));
  }
  std::stable_sort(priority_order_.begin(), priority_order_.end(),
                   [&](Var a, Var b) { return priority_[a] > priority_[b]; });
  for (size_t i = 0; i < priority_order_.size(); ++i) priority_rank_[priority_order_[i]] = static_cast<int>(i);
  priority_next_ = 0;
  // seed VSIDS: activities in [0, 1) by rank, higher priority more active
  double m = static_cast<double>(priority_order_.size());
  for (size_t i = 0; i < priority_order_.size(); ++i) {
    Var v = priority_order_[i];
    activity_[v] = (m - static_cast<double>(i)) / (m + 1) * var_inc_;
  }
  heap_.clear();
  for (Var v = 0; v < num_vars(); ++v) heap_pos_[v] = -1;
  for (Var v = 0; v < num_vars(); ++v)
    if (value(make_lit(v, false)) == 0 && !eliminated_[v]) heap_insert(v);
  // seed VMTF: lowest priority first, so the highest ends at the front
  for (size_t i = priority_order_.size(); i-- > 0;)
    if (!eliminated_[priority_order_[i]]) vmtf_move_to_front(priority_order_[i]);
}

void Solver::set_filter_weights(const float* w, size_t n) {
  if (n != 2 * static_cast<size_t>(num_vars())) throw InputError("filter weights: one entry per literal expected");
  filter_w_.assign(w, w + n);
  for (float x : filter_w_)
    if (!std::isfinite(x)) throw InputError("filter weights must be finite");
}

Var Solver::next_priority_var() {
  while (priority_next_ < priority_order_.size()) {
    Var v = priority_order_[priority_next_];
    if (value(make_lit(v, false)) == 0 && !eliminated_[v]) return v;
    ++priority_next_;
  }
  return static_cast<Var>(-1);
}

// Open a decision level and return its literal (assumptions first), or LIT_ALL_ASSIGNED,
// or LIT_FAILED when an assumption is false (failed_ then holds the core).
Lit Solver::decide() {
  while (static_cast<size_t>(decision_level()) < assumptions_.size()) {
    Lit a = assumptions_[decision_level()];
    if (value(a) == 1) {
      new_decision_level();  // already true: an empty level keeps levels aligned
      continue;
    }
    if (value(a) == -1) {
      analyze_final(a);
      return LIT_FAILED;
    }
    new_decision_level();
    return a;
  }
  Var v = static_cast<Var>(-1);
  if (stats.conflicts < static_cast<uint64_t>(opts.priority_window)) {
    v = next_priority_var();
    if (v != static_cast<Var>(-1)) ++stats.priority_decisions;
  }
  if (v == static_cast<Var>(-1)) {
    if (use_vmtf()) {
      Var u = q_search_;
      while (value(make_lit(u, false)) != 0) {
        if (u == q_first_) {
          u = static_cast<Var>(-1);
          break;
        }
        u = prev_[u];
      }
      if (u != static_cast<Var>(-1)) q_search_ = u;
      v = u;
    } else {
      while (!heap_.empty()) {
        Var u = heap_pop();
        if (value(make_lit(u, false)) == 0) {
          v = u;
          break;
        }
      }
    }
  }
  if (v == static_cast<Var>(-1)) return LIT_ALL_ASSIGNED;
  ++stats.decisions;
  int8_t given = given_phase_[v];
  int8_t phase;
  bool use_target = opts.target == 2 || (opts.target == 1 && stable_mode_);
  if (given && opts.forced_phases)
    phase = given;
  else if (use_target && target_[v])
    phase = target_[v];
  else
    phase = saved_[v];
  if (given) {
    ++stats.phase_decisions;
    stats.phases_followed += phase == given;
  }
  new_decision_level();
  return make_lit(v, phase < 0);
}

// At a conflict: the trail below the conflict level is conflict-free; remember the
// longest such trails since the last rephase (target, stable mode) and ever (best).
void Solver::update_target_and_best() {
  size_t n = trail_lim_.empty() ? 0 : trail_lim_.back();
  bool use_target = opts.target == 2 || (opts.target == 1 && stable_mode_);
  if (use_target && n > target_size_) {
    for (size_t i = 0; i < n; ++i) target_[var_of(trail_[i])] = (trail_[i] & 1u) ? -1 : 1;
    target_size_ = n;
  }
  if (opts.rephase && n > best_size_) {
    for (size_t i = 0; i < n; ++i) best_[var_of(trail_[i])] = (trail_[i] & 1u) ? -1 : 1;
    best_size_ = n;
  }
}

void Solver::maybe_rephase() {
  if (!opts.rephase || stats.conflicts < next_rephase_) return;
  ++rephase_count_;
  ++stats.rephases;
  next_rephase_ = stats.conflicts + static_cast<uint64_t>(opts.rephase_int) * (rephase_count_ + 1);
  int kind = static_cast<int>(rephase_count_ % 4);  // best, original, best, inverted
  bool best = (kind == 0 || kind == 2) && best_size_ > 0;
  for (Var v = 0; v < num_vars(); ++v) {
    int8_t original = given_phase_[v] ? given_phase_[v] : (opts.phase ? 1 : -1);
    if (best)
      saved_[v] = best_[v] ? best_[v] : saved_[v];
    else if (kind == 3)
      saved_[v] = static_cast<int8_t>(-original);
    else
      saved_[v] = original;
  }
  std::fill(target_.begin(), target_.end(), 0);
  target_size_ = 0;
  best_size_ = 0;
}

}  // namespace cl
