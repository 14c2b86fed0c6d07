// Equivalent-literal substitution, during search at level 0 (Van Gelder 2005; CaDiCaL's
// and Kissat's "decompose").
//
// Binary clauses a ∨ b are the implications ¬a → b and ¬b → a.  A strongly connected
// component of that graph is a set of equivalent literals: every clause may use one
// representative instead (the literal of the smallest variable, or a frozen one).  A
// miter learns such equivalences between the two copies of a circuit as binary clauses;
// substituting them merges the copies, shrinks clauses and removes the binaries that
// said it.  A component with both l and ¬l makes the formula unsatisfiable.
//
// Substituted variables are handled like eliminated ones (elim.cpp): the clauses x ∨ ¬r
// and ¬x ∨ r go on the extension stack, which sets x = r in a model, and a later clause
// or assumption naming x puts them back.  Variables of the current assumptions are never
// substituted away.  In a DRAT proof the equivalences are added first, then every
// rewritten clause (RUP through them); the equivalences are never deleted.
#include <algorithm>

#include "solver.hpp"

namespace cl {

void Solver::decompose() {
  auto t0 = std::chrono::steady_clock::now();
  ++stats.decompositions;
  backtrack(0);
  for (Lit l : trail_) {  // level-0 literals need no reasons, and so lock no clause
    proof_unit(l);
    reason_[var_of(l)] = NO_REF;
  }
  const size_t n = 2 * static_cast<size_t>(num_vars());
  std::vector<char> frozen(frozen_.begin(), frozen_.end());
  for (Lit a : assumptions_) frozen[var_of(a)] = 1;

  // ---- Tarjan's SCCs over the literals, iteratively ----
  // successors of literal u: b for every binary clause (¬u ∨ b), i.e. the binary
  // watches of ¬u
  const uint32_t UNSEEN = 0xffffffffu;
  std::vector<uint32_t> index(n, UNSEEN), low(n, 0);
  std::vector<char> on_stack(n, 0);
  std::vector<Lit> stack, repr(n);
  for (size_t l = 0; l < n; ++l) repr[l] = static_cast<Lit>(l);
  struct Frame {
    Lit lit;
    size_t next;  // position in the watch list of ¬lit
  };
  std::vector<Frame> dfs;
  uint32_t counter = 0;
  bool contradiction = false;
  size_t substituted = 0;
  auto active = [&](Lit l) { return !eliminated_[var_of(l)] && value(l) == 0; };
  for (Lit root = 0; root < n && !contradiction; ++root) {
    if (index[root] != UNSEEN || !active(root)) continue;
    dfs.push_back({root, 0});
    index[root] = low[root] = counter++;
    stack.push_back(root);
    on_stack[root] = 1;
    while (!dfs.empty()) {
      Frame& f = dfs.back();
      const std::vector<Watch>& ws = watches_[neg(f.lit)];
      bool descended = false;
      while (f.next < ws.size()) {
        const Watch& w = ws[f.next++];
        if (!w.binary() || clause(w.cref()).garbage) continue;
        Lit b = w.blocker;
        if (!active(b)) continue;
        if (index[b] == UNSEEN) {
          index[b] = low[b] = counter++;
          stack.push_back(b);
          on_stack[b] = 1;
          dfs.push_back({b, 0});
          descended = true;
          break;
        }
        if (on_stack[b]) low[f.lit] = std::min(low[f.lit], index[b]);
      }
      if (descended) continue;
      Lit u = f.lit;
      dfs.pop_back();
      if (!dfs.empty()) low[dfs.back().lit] = std::min(low[dfs.back().lit], low[u]);
      if (low[u] != index[u]) continue;
      // u roots a component: pop it, choose its representative
      size_t top = stack.size();
      while (stack[--top] != u) {
      }
      Lit rep = u;
      bool rep_frozen = frozen[var_of(u)];
      for (size_t i = top; i < stack.size(); ++i) {
        Lit l = stack[i];
        bool fz = frozen[var_of(l)];
        if ((fz && !rep_frozen) || (fz == rep_frozen && var_of(l) < var_of(rep))) {
          rep = l;
          rep_frozen = fz;
        }
      }
      for (size_t i = top; i < stack.size(); ++i) {
        Lit l = stack[i];
        on_stack[l] = 0;
        if (var_of(l) == var_of(rep) && l != rep) contradiction = true;  // l and ¬l equivalent
        if (!frozen[var_of(l)]) repr[l] = rep;
      }
      stack.resize(top);
      if (contradiction) break;
    }
  }
  if (contradiction) {
    unsat_ = true;
    proof_add(nullptr, 0);  // RUP: propagating either value of the variable conflicts
    stats.time_decompose += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return;
  }
  // make the mapping consistent under negation: components come in mirrored pairs,
  // and the smallest-variable rule picks mirrored representatives; frozen variables
  // only ever map to themselves
  for (Var v = 0; v < num_vars(); ++v) {
    Lit p = make_lit(v, false);
    if (repr[p] == p || frozen[v]) {
      repr[p] = p;
      repr[neg(p)] = neg(p);
      continue;
    }
    repr[neg(p)] = neg(repr[p]);
  }

  // ---- substitute ----
  std::vector<Lit> eq(2);
  for (Var v = 0; v < num_vars(); ++v) {
    Lit p = make_lit(v, false);
    if (repr[p] == p) continue;
    Lit r = repr[p];
    // x ≡ r as two clauses: in the proof (never deleted) and on the extension stack
    eq[0] = p;
    eq[1] = neg(r);
    proof_add(eq.data(), 2);
    ext_.push_back(p);
    ext_.push_back(neg(r));
    ext_.push_back(2);
    eq[0] = neg(p);
    eq[1] = r;
    proof_add(eq.data(), 2);
    ext_.push_back(neg(p));
    ext_.push_back(r);
    ext_.push_back(2);
    eliminated_[v] = 1;
    heap_remove(v);
    vmtf_unlink(v);
    ++substituted;
  }
  stats.substituted += substituted;

  // ---- rewrite every clause that names a substituted variable ----
  struct Pending {
    std::vector<Lit> lits;
    bool learnt;
    unsigned lbd;
  };
  std::vector<Pending> pending;
  std::vector<Lit> units;
  std::vector<Lit> lits;
  std::vector<int8_t> mark(n, 0);
  for (auto* list : {&originals_, &learnts_}) {
    for (CRef ref : *list) {
      Clause& c = clause(ref);
      if (c.garbage) continue;
      bool touched = false;
      for (uint32_t i = 0; i < c.size && !touched; ++i) touched = repr[c.lits[i]] != c.lits[i];
      if (!touched) continue;
      lits.clear();
      bool drop = false;
      for (uint32_t i = 0; i < c.size; ++i) {
        Lit l = repr[c.lits[i]];
        if (value(l) == 1 || mark[neg(l)]) {
          drop = true;  // satisfied at level 0, or a tautology now
          break;
        }
        if (value(l) == -1 || mark[l]) continue;
        mark[l] = 1;
        lits.push_back(l);
      }
      for (uint32_t i = 0; i < c.size; ++i) mark[repr[c.lits[i]]] = 0;
      if (!drop) {
        proof_add(lits.data(), lits.size());
        if (lits.empty()) {
          unsat_ = true;
        } else if (lits.size() == 1) {
          units.push_back(lits[0]);
        } else {
          unsigned lbd = std::min<unsigned>(c.lbd, static_cast<unsigned>(lits.size()) - 1);
          pending.push_back({lits, c.learnt != 0, lbd});
        }
      }
      mark_garbage(ref);
    }
  }
  remove_garbage();
  for (auto& p : pending) {
    CRef r = alloc_clause(p.lits.data(), p.lits.size(), p.learnt, p.lbd);
    attach(r);
  }
  for (Lit u : units) {
    if (unsat_) break;
    if (value(u) == -1) {
      unsat_ = true;
      proof_add(nullptr, 0);
    } else if (value(u) == 0) {
      assign(u, NO_REF);
    }
  }
  stats.time_decompose += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace cl
