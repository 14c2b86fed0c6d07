// Conflict analysis.
//
// First-UIP learning (Marques-Silva, Sakallah 1999; Zhang et al. 2001): resolve the
// conflicting clause with the reasons of current-level literals, in reverse trail order,
// until one current-level literal is left; its negation is asserting after the backjump.
// Recursive minimization (Sörensson, Biere, SAT 2009) then drops every literal whose
// reason chain ends in literals of the clause, pruned by a bit set of clause levels.
// The LBD (Audemard, Simon, IJCAI 2009) is the number of distinct decision levels.
// analyze_final collects the assumptions responsible for a failed assumption.
#include <algorithm>

#include "solver.hpp"

namespace cl {

static inline uint32_t level_bit(int level) { return 1u << (static_cast<unsigned>(level) & 31u); }

void Solver::bump_clause(Clause& c) {
  c.used = 1;
  if (opts.reduce_policy == 1) ++c.usage;
  if ((c.activity += clause_inc_) > 1e20f) {
    for (CRef r : learnts_) clause(r).activity *= 1e-20f;
    clause_inc_ *= 1e-20f;
  }
  if (opts.reduce_policy == 0 && c.tier > 1) {  // glucose: keep the best LBD seen
    unsigned lbd = compute_lbd(c.lits, c.size);
    if (lbd < c.lbd) {
      c.lbd = lbd;
      c.tier = lbd <= opts.tier1 ? 1 : lbd <= opts.tier2 ? 2 : 3;
    }
  }
}

unsigned Solver::compute_lbd(const Lit* lits, size_t n) {
  ++stamp_;
  unsigned lbd = 0;
  for (size_t i = 0; i < n; ++i) {
    int lv = level_[var_of(lits[i])];
    if (lv >= 0 && level_stamp_[lv] != stamp_) {
      level_stamp_[lv] = stamp_;
      ++lbd;
    }
  }
  return lbd;
}

void Solver::analyze(CRef conflict, int* backjump_level, unsigned* lbd) {
  auto t0 = std::chrono::steady_clock::now();
  learnt_.clear();
  learnt_.push_back(0);  // the asserting literal goes here
  bumped_.clear();
  int open = 0;
  const Lit NONE = 0xffffffffu;
  Lit p = NONE;
  size_t index = trail_.size();
  CRef r = conflict;
  do {
    Clause& c = clause(r);
    if (c.learnt) bump_clause(c);
    for (uint32_t k = 0; k < c.size; ++k) {
      Lit q = c.lits[k];
      if (q == p) continue;
      Var v = var_of(q);
      if (seen_[v] || level_[v] == 0) continue;
      seen_[v] = 1;
      bumped_.push_back(v);
      if (level_[v] >= decision_level())
        ++open;
      else
        learnt_.push_back(q);
    }
    while (!seen_[var_of(trail_[--index])]) {
    }
    p = trail_[index];
    r = reason_[var_of(p)];
    seen_[var_of(p)] = 0;
    --open;
  } while (open > 0);
  learnt_[0] = neg(p);

  // recursive minimization
  analyze_toclear_.assign(learnt_.begin(), learnt_.end());
  size_t before = learnt_.size();
  if (opts.minimize) {
    uint32_t levels = 0;
    for (size_t i = 1; i < learnt_.size(); ++i) levels |= level_bit(level_[var_of(learnt_[i])]);
    size_t j = 1;
    for (size_t i = 1; i < learnt_.size(); ++i) {
      Lit l = learnt_[i];
      if (reason_[var_of(l)] == NO_REF || !redundant(l, levels)) learnt_[j++] = l;
    }
    learnt_.resize(j);
  }
  stats.minimized_literals += before - learnt_.size();
  for (Lit l : analyze_toclear_) seen_[var_of(l)] = 0;

  // backjump level: the highest level below the conflict level, moved to position 1
  *backjump_level = 0;
  if (learnt_.size() > 1) {
    size_t best = 1;
    for (size_t i = 2; i < learnt_.size(); ++i)
      if (level_[var_of(learnt_[i])] > level_[var_of(learnt_[best])]) best = i;
    std::swap(learnt_[1], learnt_[best]);
    *backjump_level = level_[var_of(learnt_[1])];
  }
  *lbd = compute_lbd(learnt_.data(), learnt_.size());
  if (opts.bump_reasons) bump_reason_literals();
  bump_vars();
  stats.time_analyze += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Also bump the variables of the reasons of the learned clause's literals (CaDiCaL's
// "bumpreason"): they are the literals that the clause's literals rest on, and bumping
// them keeps the decision order on the part of the circuit that conflicts.  At most
// ten times the clause's size are added.
void Solver::bump_reason_literals() {
  size_t limit = 10 * learnt_.size(), added = 0;
  for (Var v : bumped_) seen_[v] = 1;  // analysis cleared them; mark to avoid duplicates
  for (size_t i = 1; i < learnt_.size() && added < limit; ++i) {
    CRef r = reason_[var_of(learnt_[i])];
    if (r == NO_REF) continue;
    const Clause& c = clause(r);
    for (uint32_t k = 0; k < c.size && added < limit; ++k) {
      Var v = var_of(c.lits[k]);
      if (seen_[v] || level_[v] == 0) continue;
      seen_[v] = 1;
      bumped_.push_back(v);
      ++added;
    }
  }
  for (Var v : bumped_) seen_[v] = 0;
}

// Is the (false) literal l implied by the other literals of the learned clause?  Walks
// reasons depth-first; literals found redundant stay marked in seen_ for later queries.
bool Solver::redundant(Lit l, uint32_t levels) {
  analyze_stack_.clear();
  analyze_stack_.push_back(l);
  size_t top = analyze_toclear_.size();
  while (!analyze_stack_.empty()) {
    Lit q = analyze_stack_.back();
    analyze_stack_.pop_back();
    const Clause& c = clause(reason_[var_of(q)]);
    for (uint32_t k = 0; k < c.size; ++k) {
      Lit x = c.lits[k];
      Var v = var_of(x);
      if (v == var_of(q) || seen_[v] || level_[v] == 0) continue;
      if (reason_[v] != NO_REF && (level_bit(level_[v]) & levels)) {
        seen_[v] = 1;
        analyze_stack_.push_back(x);
        analyze_toclear_.push_back(x);
      } else {
        for (size_t i = top; i < analyze_toclear_.size(); ++i) seen_[var_of(analyze_toclear_[i])] = 0;
        analyze_toclear_.resize(top);
        return false;
      }
    }
  }
  return true;
}

// The assumption p is false: failed_ gets p and every assumption its negation rests on.
void Solver::analyze_final(Lit p) {
  failed_.clear();
  failed_.push_back(p);
  if (decision_level() == 0) return;
  seen_[var_of(p)] = 1;
  for (size_t i = trail_.size(); i-- > trail_lim_[0];) {
    Lit x = trail_[i];
    Var v = var_of(x);
    if (!seen_[v]) continue;
    if (reason_[v] == NO_REF) {
      failed_.push_back(x);  // a decision below the failed one: an assumption
    } else {
      const Clause& c = clause(reason_[v]);
      for (uint32_t k = 0; k < c.size; ++k) {
        Var u = var_of(c.lits[k]);
        if (u != v && level_[u] > 0) seen_[u] = 1;
      }
    }
    seen_[v] = 0;
  }
  seen_[var_of(p)] = 0;
}

}  // namespace cl
