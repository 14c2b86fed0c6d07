// The CDCL loop: propagate; on a conflict learn, backjump and assert; otherwise restart,
// reduce, rephase or decide.  Assumptions are the first decisions (MiniSat's
// incremental interface, Eén, Sörensson 2003).  Limits are checked at every conflict
// and every 256 decisions: a conflict or propagation budget, a wall-clock deadline, a
// memory budget, and an interrupt flag that another thread (the Python binding's Ctrl-C
// watcher) may set at any time.
#include "solver.hpp"

namespace cl {

Solver::Solver() : fast_lbd_(0), slow_lbd_(0) {}

void Solver::start_limits() {
  conflict_limit_ = conflict_budget < 0 ? UINT64_MAX : stats.conflicts + static_cast<uint64_t>(conflict_budget);
  propagation_limit_ =
      propagation_budget < 0 ? UINT64_MAX : stats.propagations + static_cast<uint64_t>(propagation_budget);
  has_deadline_ = time_budget >= 0;
  if (has_deadline_)
    deadline_ = std::chrono::steady_clock::now() +
                std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(time_budget));
}

bool Solver::budget_exhausted() {
  if (interrupt.load(std::memory_order_relaxed)) stop_ = Stop::INTERRUPT;
  else if (stats.conflicts >= conflict_limit_) stop_ = Stop::CONFLICTS;
  else if (stats.propagations >= propagation_limit_) stop_ = Stop::PROPAGATIONS;
  else if (has_deadline_ && std::chrono::steady_clock::now() >= deadline_) stop_ = Stop::TIME;
  else if ((stats.conflicts & 1023) == 0 && over_memory()) stop_ = Stop::MEMORY;
  return stop_ != Stop::NONE;
}

Status Solver::search() {
  std::vector<Lit>& learnt = learnt_;
  uint64_t decisions_since_check = 0;
  for (;;) {
    CRef conflict = propagate();
    if (conflict != NO_REF) {
      ++stats.conflicts;
      ++conflicts_since_restart_;
      if (decision_level() == 0) {
        unsat_ = true;
        proof_add(nullptr, 0);
        return UNSAT;
      }
      update_target_and_best();
      int level;
      unsigned lbd;
      analyze(conflict, &level, &lbd);
      backtrack(level);
      ++stats.learned;
      stats.learned_literals += learnt.size();
      proof_add(learnt.data(), learnt.size());
      if (learnt.size() == 1) {
        ++stats.units;
        assign(learnt[0], NO_REF);
      } else {
        stats.binaries += learnt.size() == 2;
        CRef r = alloc_clause(learnt.data(), learnt.size(), true, lbd);
        attach(r);
        assign(learnt[0], r);
        bump_clause(clause(r));
      }
      fast_lbd_.update(lbd);
      slow_lbd_.update(lbd);
      clause_inc_ *= 1.0f / 0.999f;
      if (budget_exhausted()) return UNKNOWN;
      continue;
    }
    if (should_restart()) restart();
    if (decision_level() == 0) simplify_level0();
    if (stats.conflicts >= next_reduce_) {
      reduce();
      next_reduce_ = stats.conflicts + static_cast<uint64_t>(opts.reduce_init) +
                     static_cast<uint64_t>(opts.reduce_inc) * stats.reductions;
    }
    if (opts.decompose && stats.conflicts >= next_decompose_) {
      next_decompose_ = stats.conflicts + static_cast<uint64_t>(opts.decompose_int) * (stats.decompositions + 1);
      // only when new binary clauses or units may have made new equivalences
      size_t units = trail_lim_.empty() ? trail_.size() : trail_lim_[0];
      if (stats.decompositions == 0 || stats.binaries != decompose_binaries_ || units != decompose_units_) {
        decompose();
        decompose_binaries_ = stats.binaries;
        decompose_units_ = trail_.size();
        if (unsat_) return UNSAT;
        continue;
      }
    }
    maybe_rephase();
    maybe_switch_mode();
    if (++decisions_since_check >= 256) {
      decisions_since_check = 0;
      if (budget_exhausted()) return UNKNOWN;
    }
    Lit d = decide();
    if (d == LIT_FAILED) return UNSAT;
    if (d == LIT_ALL_ASSIGNED) {
      for (Var v = 0; v < num_vars(); ++v) model_[v] = value(make_lit(v, false)) == 1;
      extend_model();
      return SAT;
    }
    assign(d, NO_REF);
  }
}

Status Solver::solve(const std::vector<Lit>& assumptions) {
  auto t0 = std::chrono::steady_clock::now();
  ++stats.solves;
  stop_ = Stop::NONE;
  failed_.clear();
  backtrack(0);
  if (unsat_) return UNSAT;
  for (Lit a : assumptions)
    if (var_of(a) >= num_vars()) throw InputError("assumption beyond the declared variables");
  for (Lit a : assumptions)
    if (eliminated_[var_of(a)]) {
      restore_eliminated();
      if (unsat_) return UNSAT;
      break;
    }
  assumptions_ = assumptions;
  start_limits();
  if (stats.solves == 1) {
    fast_lbd_ = EMA(static_cast<double>(opts.ema_fast) / 1e3);
    slow_lbd_ = EMA(static_cast<double>(opts.ema_slow) / 1e6);
    stable_mode_ = opts.stable == 1;
    mode_length_ = static_cast<uint64_t>(opts.stable_init);
    next_mode_switch_ = mode_length_;
    luby_limit_ = static_cast<uint64_t>(opts.luby_base);
    next_reduce_ = static_cast<uint64_t>(opts.reduce_init);
    next_rephase_ = static_cast<uint64_t>(opts.rephase_int);
    next_decompose_ = static_cast<uint64_t>(opts.decompose_int);
  }
  double analyze0 = stats.time_analyze, reduce0 = stats.time_reduce, elim0 = stats.time_elim;
  double decompose0 = stats.time_decompose;
  if (stats.solves == 1 && opts.elim) {
    eliminate(assumptions);
    if (unsat_) {
      assumptions_.clear();
      stats.time_total += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      return UNSAT;
    }
  }
  Status result = search();
  backtrack(0);
  assumptions_.clear();
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  stats.time_total += elapsed;
  // the rest of the search loop: propagation, decisions, restarts, simplification
  stats.time_propagate +=
      elapsed - (stats.time_analyze - analyze0) - (stats.time_reduce - reduce0) - (stats.time_elim - elim0) -
      (stats.time_decompose - decompose0);
  return result;
}

}  // namespace cl
