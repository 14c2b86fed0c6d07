// Preprocessing by bounded variable elimination (Eén, Biere, SAT 2005, "SatELite"), with
// AND- and XOR-gate definitions and backward subsumption, run once before the first search.
//
// A variable x is eliminated by replacing every clause that contains it with all
// non-tautological resolvents on x, when that does not grow the formula by more than a
// bound (0 at first, doubling each round up to `elim_bound`).  Tseitin encodings of
// circuits shrink a lot: most gate variables of a miter go.  When x is defined by an AND
// gate, x ∨ l1 ∨ ... ∨ lk with the binaries ¬x ∨ ¬li (x = ¬l1 ∧ ... ∧ ¬lk, either
// polarity), or by an XOR (the four ternary clauses of x = ¬(p ⊕ q)), only gate clauses
// are resolved against non-gate clauses: the other
// resolvents are implied by those (Eén, Biere 2005, section 4.2).  Each new resolvent
// removes the clauses it subsumes and strengthens those it subsumes but for one
// negated literal (self-subsuming resolution).
//
// The removed clauses go on an extension stack, pivot first; a model of the reduced
// formula becomes a model of the input by walking the stack backwards and flipping
// the pivot of every clause the model falsifies.  Frozen variables (assumptions of the
// first solve) are never eliminated; a later clause or assumption that names an
// eliminated variable puts every removed clause back first (restore_eliminated), so
// incremental use stays correct.  In a DRAT proof resolvents and strengthened clauses
// are RUP additions; clauses removed by elimination are not deleted from the proof, so
// that restoring them needs no justification.
#include <algorithm>
#include <chrono>
#include <functional>

#include "solver.hpp"

namespace cl {

namespace {

// The working formula during elimination: clauses as literal vectors, occurrence lists
// per literal (lazily cleaned of removed clauses).
struct Formula {
  std::vector<std::vector<Lit>> cls;
  std::vector<char> dead;
  std::vector<std::vector<uint32_t>> occ;
  std::vector<char> touched;  // per variable: occurs in a clause added or removed since its last try
  std::vector<Var> dirty;     // the touched variables, in order
  uint64_t steps = 0;         // work done, for the effort limit

  uint32_t add(std::vector<Lit> lits) {
    uint32_t i = static_cast<uint32_t>(cls.size());
    for (Lit l : lits) {
      occ[l].push_back(i);
      touch(var_of(l));
    }
    cls.push_back(std::move(lits));
    dead.push_back(0);
    return i;
  }
  void touch(Var v) {
    if (!touched[v]) {
      touched[v] = 1;
      dirty.push_back(v);
    }
  }
  // The live clauses of a literal, compacting its list.
  std::vector<uint32_t>& live(Lit l) {
    auto& o = occ[l];
    size_t j = 0;
    for (uint32_t c : o)
      if (!dead[c]) o[j++] = c;
    o.resize(j);
    steps += j;
    return o;
  }
};

}  // namespace

void Solver::heap_remove(Var v) {
  if (!heap_contains(v)) return;
  int i = heap_pos_[v];
  Var last = heap_.back();
  heap_.pop_back();
  heap_pos_[v] = -1;
  if (last == v) return;
  heap_[static_cast<size_t>(i)] = last;
  heap_pos_[last] = i;
  heap_up(i);
  heap_down(heap_pos_[last]);
}

void Solver::vmtf_unlink(Var v) {
  if (q_first_ == v && q_last_ == v) return;  // the only variable: leave it (never decided: eliminated_)
  Var p = prev_[v], n = next_[v];
  if (q_search_ == v) q_search_ = (v == q_first_) ? n : p;
  if (v == q_first_) {
    q_first_ = n;
    prev_[n] = n;
  } else if (v == q_last_) {
    q_last_ = p;
    next_[p] = p;
  } else {
    next_[p] = n;
    prev_[n] = p;
  }
  prev_[v] = next_[v] = v;
}

void Solver::vmtf_append(Var v) {
  if (v == q_first_ || prev_[v] != v) {  // still linked (vmtf_unlink keeps a lone variable)
    q_search_ = v;
    return;
  }
  prev_[v] = q_last_;
  next_[q_last_] = v;
  next_[v] = v;
  q_last_ = v;
  btab_[v] = ++q_stamp_;
  q_search_ = v;
}

void Solver::eliminate(const std::vector<Lit>& assumptions) {
  auto t0 = std::chrono::steady_clock::now();
  if (unsat_ || decision_level() != 0) return;
  if (propagate() != NO_REF) {
    unsat_ = true;
    proof_add(nullptr, 0);
    return;
  }
  for (Lit a : assumptions) frozen_[var_of(a)] = 1;
  for (Lit l : trail_) {
    proof_unit(l);
    reason_[var_of(l)] = NO_REF;
  }
  simplified_trail_ = trail_.size();

  // ---- the working formula: the original clauses, without level-0 literals ----
  Formula f;
  f.occ.resize(2 * static_cast<size_t>(num_vars()));
  f.touched.assign(num_vars(), 0);
  std::vector<Lit> tmp;
  size_t literals = 0;
  for (CRef r : originals_) {
    const Clause& c = clause(r);
    if (c.garbage) continue;
    tmp.clear();
    bool sat = false;
    for (uint32_t i = 0; i < c.size && !sat; ++i) {
      int8_t v = value(c.lits[i]);
      if (v == 1) sat = true;
      else if (v == 0) tmp.push_back(c.lits[i]);
    }
    if (sat) {
      proof_delete(c.lits, c.size);
      continue;
    }
    if (tmp.size() < c.size) {
      proof_add(tmp.data(), tmp.size());
      proof_delete(c.lits, c.size);
    }
    literals += tmp.size();
    f.add(tmp);
  }
  uint64_t step_limit = static_cast<uint64_t>(opts.elim_effort) * (literals + 1000);

  std::vector<int8_t> mark(2 * static_cast<size_t>(num_vars()), 0);
  std::vector<Lit> resolvent;
  std::vector<uint32_t> gate_pos, gate_neg;  // clause indices of the gate, per polarity
  bool gate_found = false;

  // x ∨ l1..lk in occ(x) with every ¬x ∨ ¬li in occ(¬x): the AND gate of x (or of ¬x).
  auto find_gate = [&](Lit x, const std::vector<uint32_t>& po, const std::vector<uint32_t>& ne,
                       std::vector<uint32_t>& gp, std::vector<uint32_t>& gn) {
    gp.clear();
    gn.clear();
    for (uint32_t c : ne)
      if (f.cls[c].size() == 2) {
        const auto& cl = f.cls[c];
        Lit other = cl[0] == neg(x) ? cl[1] : cl[0];
        mark[other] = 1;
      }
    for (uint32_t c : po) {
      const auto& cl = f.cls[c];
      if (cl.size() < 2) continue;
      bool all = true;
      for (Lit l : cl)
        if (l != x && !mark[neg(l)]) {
          all = false;
          break;
        }
      f.steps += cl.size();
      if (!all) continue;
      gp.push_back(c);
      for (uint32_t d : ne)
        if (f.cls[d].size() == 2) {
          const auto& dl = f.cls[d];
          Lit other = dl[0] == neg(x) ? dl[1] : dl[0];
          if (std::find(cl.begin(), cl.end(), neg(other)) != cl.end()) gn.push_back(d);
        }
      break;
    }
    for (uint32_t c : ne)
      if (f.cls[c].size() == 2) {
        const auto& cl = f.cls[c];
        mark[cl[0]] = mark[cl[1]] = 0;
      }
    return !gp.empty();
  };

  // x = ¬(p ⊕ q) as the four ternary clauses over x, p, q with an even number of
  // negations: x ∨ p ∨ q and x ∨ ¬p ∨ ¬q (in occ(x)), ¬x ∨ ¬p ∨ q and ¬x ∨ p ∨ ¬q.
  auto find_xor = [&](Lit x, const std::vector<uint32_t>& po, const std::vector<uint32_t>& ne,
                      std::vector<uint32_t>& gp, std::vector<uint32_t>& gn) {
    auto find3 = [&](const std::vector<uint32_t>& list, Lit a, Lit b, Lit c) -> uint32_t {
      for (uint32_t i : list) {
        const auto& cl = f.cls[i];
        ++f.steps;
        if (cl.size() != 3) continue;
        bool ha = false, hb = false, hc = false;
        for (Lit l : cl) {
          ha |= l == a;
          hb |= l == b;
          hc |= l == c;
        }
        if (ha && hb && hc) return i;
      }
      return UINT32_MAX;
    };
    gp.clear();
    gn.clear();
    for (uint32_t c : po) {
      const auto& cl = f.cls[c];
      if (cl.size() != 3) continue;
      Lit p = LIT_ALL_ASSIGNED, q = LIT_ALL_ASSIGNED;
      for (Lit l : cl)
        if (l != x) (p == LIT_ALL_ASSIGNED ? p : q) = l;
      uint32_t c2 = find3(po, x, neg(p), neg(q));
      if (c2 == UINT32_MAX) continue;
      uint32_t c3 = find3(ne, neg(x), neg(p), q);
      if (c3 == UINT32_MAX) continue;
      uint32_t c4 = find3(ne, neg(x), p, neg(q));
      if (c4 == UINT32_MAX) continue;
      gp = {c, c2};
      gn = {c3, c4};
      return true;
    }
    return false;
  };

  // Resolve a (with x) and b (with ¬x) into `resolvent`; false if tautological.
  auto resolve = [&](const std::vector<Lit>& a, const std::vector<Lit>& b, Var x) {
    resolvent.clear();
    for (Lit l : a)
      if (var_of(l) != x) {
        mark[l] = 1;
        resolvent.push_back(l);
      }
    bool taut = false;
    for (Lit l : b) {
      if (var_of(l) == x) continue;
      if (mark[neg(l)]) {
        taut = true;
        break;
      }
      if (!mark[l]) resolvent.push_back(l);
    }
    for (Lit l : a) mark[l] = 0;
    f.steps += a.size() + b.size();
    return !taut;
  };

  auto is_gate = [](const std::vector<uint32_t>& g, uint32_t c) {
    return std::find(g.begin(), g.end(), c) != g.end();
  };

  // Backward subsumption and self-subsuming strengthening by clause index `ri`.
  std::vector<uint32_t> strengthen_queue;
  auto backward = [&](uint32_t ri) {
    const std::vector<Lit> r = f.cls[ri];
    if (r.size() < 2) return;
    Lit best = r[0];
    for (Lit l : r)
      if (f.occ[l].size() + f.occ[neg(l)].size() < f.occ[best].size() + f.occ[neg(best)].size()) best = l;
    if (f.occ[best].size() + f.occ[neg(best)].size() > static_cast<size_t>(opts.elim_occ)) return;  // too costly
    for (Lit l : r) mark[l] = 1;
    for (Lit pivot : {best, neg(best)}) {
      auto cands = f.live(pivot);  // copy: strengthening edits the lists
      for (uint32_t d : cands) {
        if (d == ri || f.dead[d]) continue;
        auto& dl = f.cls[d];
        if (dl.size() < r.size()) continue;
        size_t hit = 0;
        for (Lit l : dl) hit += mark[l] || (pivot != best && l == pivot);
        f.steps += dl.size();
        if (hit != r.size()) continue;
        if (pivot == best) {  // r ⊆ d: d goes
          f.dead[d] = 1;
          ++stats.subsumed;
          proof_delete(dl.data(), dl.size());
          for (Lit l : dl) f.touch(var_of(l));
        } else {  // r \ {best} ⊆ d and ¬best ∈ d: drop ¬best from d
          proof_delete_after_add_strengthened(dl, pivot);
          dl.erase(std::find(dl.begin(), dl.end(), pivot));
          auto& o = f.occ[pivot];
          o.erase(std::find(o.begin(), o.end(), d));
          ++stats.strengthened;
          for (Lit l : dl) f.touch(var_of(l));
        }
      }
    }
    for (Lit l : r) mark[l] = 0;
  };

  bool empty_clause = false;
  auto try_eliminate = [&](Var x, int64_t bound) {
    Lit px = make_lit(x, false), nx = make_lit(x, true);
    auto& pos = f.live(px);
    auto& neg_ = f.live(nx);
    if (pos.size() > static_cast<size_t>(opts.elim_occ) || neg_.size() > static_cast<size_t>(opts.elim_occ))
      return false;
    gate_found = find_gate(px, pos, neg_, gate_pos, gate_neg) || find_gate(nx, neg_, pos, gate_neg, gate_pos) ||
                 (opts.elim_xor && find_xor(px, pos, neg_, gate_pos, gate_neg));
    // count the resolvents first
    int64_t limit = static_cast<int64_t>(pos.size() + neg_.size()) + bound;
    int64_t count = 0;
    for (uint32_t a : pos)
      for (uint32_t b : neg_) {
        if (gate_found && is_gate(gate_pos, a) == is_gate(gate_neg, b)) continue;
        if (!resolve(f.cls[a], f.cls[b], x)) continue;
        if (++count > limit || resolvent.size() > static_cast<size_t>(opts.elim_clause)) return false;
      }
    // eliminate: add the resolvents, then move the clauses of x to the extension stack
    std::vector<uint32_t> added;
    std::vector<uint32_t> ps = pos, ns = neg_;
    for (uint32_t a : ps)
      for (uint32_t b : ns) {
        if (gate_found && is_gate(gate_pos, a) == is_gate(gate_neg, b)) continue;
        if (!resolve(f.cls[a], f.cls[b], x)) continue;
        proof_add(resolvent.data(), resolvent.size());
        if (resolvent.empty()) empty_clause = true;
        added.push_back(f.add(resolvent));
      }
    for (auto* side : {&ps, &ns})
      for (uint32_t c : *side) {
        auto& cl = f.cls[c];
        Lit pivot = side == &ps ? px : nx;
        ext_.push_back(pivot);
        for (Lit l : cl)
          if (l != pivot) ext_.push_back(l);
        ext_.push_back(static_cast<Lit>(cl.size()));
        f.dead[c] = 1;
        for (Lit l : cl) f.touch(var_of(l));
      }
    eliminated_[x] = 1;
    ++stats.eliminated;
    stats.elim_resolvents += added.size();
    heap_remove(x);
    vmtf_unlink(x);
    for (uint32_t r : added)
      if (!f.dead[r] && !empty_clause) backward(r);
    return true;
  };

  // ---- cheapest variable first (fewest resolution pairs), re-queued when touched ----
  // A lazy min-heap of (cost, variable): a popped entry whose cost is stale goes back
  // with its current cost.  When the queue runs dry the bound doubles and every
  // remaining variable is queued again, `elim_rounds` times at most.
  using Entry = std::pair<uint64_t, Var>;
  std::vector<Entry> queue;
  auto cost = [&](Var v) {
    return static_cast<uint64_t>(f.occ[make_lit(v, false)].size()) * f.occ[make_lit(v, true)].size();
  };
  auto eligible = [&](Var v) { return !eliminated_[v] && !frozen_[v] && value(make_lit(v, false)) == 0; };
  auto push = [&](Var v) {
    queue.emplace_back(cost(v), v);
    std::push_heap(queue.begin(), queue.end(), std::greater<Entry>());
  };
  int64_t bound = 0;
  size_t tried = 0;
  bool stop = false;
  for (int64_t round = 0; round < opts.elim_rounds && !stop && !empty_clause; ++round) {
    uint64_t before = stats.eliminated;
    queue.clear();
    f.dirty.clear();
    std::fill(f.touched.begin(), f.touched.end(), 0);
    for (Var v = 0; v < num_vars(); ++v)
      if (eligible(v)) queue.emplace_back(cost(v), v);
    std::make_heap(queue.begin(), queue.end(), std::greater<Entry>());
    while (!queue.empty() && !empty_clause) {
      std::pop_heap(queue.begin(), queue.end(), std::greater<Entry>());
      Entry e = queue.back();
      queue.pop_back();
      Var v = e.second;
      if (!eligible(v)) continue;
      if (e.first != cost(v)) {  // stale: its clauses changed since it was queued
        push(v);
        continue;
      }
      if (f.steps > step_limit) {
        stop = true;
        break;
      }
      if ((++tried & 255) == 0 && (interrupt.load(std::memory_order_relaxed) ||
                                   (has_deadline_ && std::chrono::steady_clock::now() >= deadline_))) {
        stop = true;
        break;
      }
      f.touched[v] = 0;
      try_eliminate(v, bound);
      for (Var u : f.dirty) {
        f.touched[u] = 0;
        if (u != v && eligible(u)) push(u);
      }
      f.dirty.clear();
    }
    if (stats.eliminated == before) {
      if (bound >= opts.elim_bound) break;
      bound = bound == 0 ? 1 : std::min<int64_t>(2 * bound, opts.elim_bound);
    }
  }

  // ---- rebuild the clause arena from the working formula ----
  arena_.clear();
  wasted_ = 0;
  originals_.clear();
  for (auto& ws : watches_) ws.clear();
  if (empty_clause) {
    unsat_ = true;
  } else {
    for (size_t i = 0; i < f.cls.size() && !unsat_; ++i) {
      if (f.dead[i]) continue;
      const auto& cl = f.cls[i];
      if (cl.size() == 1) {
        if (value(cl[0]) == -1) {
          unsat_ = true;
          proof_add(nullptr, 0);
        } else if (value(cl[0]) == 0) {
          assign(cl[0], NO_REF);
        }
        continue;
      }
      // a clause may hold literals made false by a unit found above: keep two
      // non-false literals in front (or a true one), as the watch invariant asks
      std::vector<Lit> lits = cl;
      std::stable_partition(lits.begin(), lits.end(), [&](Lit l) { return value(l) != -1; });
      attach(alloc_clause(lits.data(), lits.size(), false, 0));
    }
    if (!unsat_) {
      qhead_ = 0;
      if (propagate() != NO_REF) {
        unsat_ = true;
        proof_add(nullptr, 0);
      }
    }
  }
  stats.time_elim += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void Solver::proof_delete_after_add_strengthened(const std::vector<Lit>& old_lits, Lit removed) {
  if (!proof_on_) return;
  std::vector<Lit> shorter;
  for (Lit l : old_lits)
    if (l != removed) shorter.push_back(l);
  proof_add(shorter.data(), shorter.size());
  proof_delete(old_lits.data(), old_lits.size());
}

// A model of the reduced formula becomes one of the input formula.
void Solver::extend_model() {
  size_t i = ext_.size();
  while (i > 0) {
    size_t n = ext_[--i];
    size_t start = i - n;
    bool sat = false;
    for (size_t k = start; k < i && !sat; ++k) {
      Lit l = ext_[k];
      sat = (model_[var_of(l)] != 0) != ((l & 1u) != 0);
    }
    if (!sat) {
      Lit pivot = ext_[start];
      model_[var_of(pivot)] = (pivot & 1u) ? 0 : 1;
    }
    i = start;
  }
}

// Put every eliminated clause back (a new clause or assumption names an eliminated
// variable).  The resolvents stay: they are implied.
void Solver::restore_eliminated() {
  if (ext_.empty()) return;
  backtrack(0);
  std::vector<Lit> stack;
  stack.swap(ext_);
  for (Var v = 0; v < num_vars(); ++v)
    if (eliminated_[v]) {
      eliminated_[v] = 0;
      heap_insert(v);
      vmtf_append(v);
      ++stats.restored;
    }
  size_t i = stack.size();
  while (i > 0 && !unsat_) {
    size_t n = stack[--i];
    size_t start = i - n;
    add_clause_unchecked(&stack[start], n);
    i = start;
  }
}

}  // namespace cl
