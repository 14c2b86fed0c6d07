// Unit propagation with two watched literals and blocking literals (Chu, Harwood,
// Stuckey, JSAT 2008).  The watched literals of a clause are always lits[0] and
// lits[1]; a watch also keeps one other literal of the clause (the blocker), and when
// the blocker is true the clause is skipped without touching its memory.  The search for
// a replacement watch starts where the last one was found (Gent, JAIR 2013).  Binary
// clauses are propagated from the watch alone (the blocker is the other literal).
#include "solver.hpp"

namespace cl {

void Solver::assign(Lit l, CRef reason) {
  Var v = var_of(l);
  vals_[l] = 1;
  vals_[neg(l)] = -1;
  level_[v] = decision_level();
  reason_[v] = reason;
  trail_.push_back(l);
}

// Propagate the trail from qhead_; the conflicting clause, or NO_REF.
CRef Solver::propagate() {
  CRef conflict = NO_REF;
  size_t start = qhead_;
  while (qhead_ < trail_.size() && conflict == NO_REF) {
    Lit p = trail_[qhead_++];
    Lit false_lit = neg(p);
    std::vector<Watch>& ws = watches_[false_lit];
    Watch* i = ws.data();
    Watch* j = i;
    Watch* end = i + ws.size();
    while (i != end) {
      Watch w = *i++;
      int8_t bv = value(w.blocker);
      if (bv == 1) {
        *j++ = w;
        continue;
      }
      if (w.binary()) {
        *j++ = w;
        if (bv == -1) {
          conflict = w.cref();
          while (i != end) *j++ = *i++;
        } else {
          assign(w.blocker, w.cref());
        }
        continue;
      }
      CRef r = w.cref();
      Clause& c = clause(r);
      Lit* lits = c.lits;
      if (lits[0] == false_lit) std::swap(lits[0], lits[1]);
      Lit first = lits[0];
      if (first != w.blocker && value(first) == 1) {
        *j++ = Watch{first, w.ref2};
        continue;
      }
      // look for a new literal to watch, from where the last one was found, wrapping
      // around (long learned clauses would otherwise rescan the same false prefix)
      uint32_t size = c.size, start = c.pos < size ? c.pos : 2, k = start;
      for (; k < size; ++k)
        if (value(lits[k]) != -1) break;
      if (k == size)
        for (k = 2; k < start; ++k)
          if (value(lits[k]) != -1) break;
      if (k < size && value(lits[k]) != -1) {
        lits[1] = lits[k];
        lits[k] = false_lit;
        c.pos = k < 1024 ? k : 2;
        watches_[lits[1]].push_back(Watch{first, w.ref2});
        continue;
      }
      *j++ = Watch{first, w.ref2};
      if (value(first) == -1) {
        conflict = r;
        while (i != end) *j++ = *i++;
      } else {
        assign(first, r);
        if (opts.reduce_policy == 1 && c.learnt) ++c.usage;
      }
    }
    ws.resize(static_cast<size_t>(j - ws.data()));
  }
  stats.propagations += qhead_ - start;
  return conflict;
}

}  // namespace cl
