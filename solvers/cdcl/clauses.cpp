// The clause arena: clauses live back to back in one vector of 32-bit words (a header,
// then the literals), addressed by offset, as in MiniSat's region allocator.  Deleted
// clauses are only marked; collect_garbage() compacts the arena when a quarter of it is
// garbage, forwarding reason references and rebuilding the watch lists.
//
// add_clause() normalizes an input clause at level 0: duplicate literals are dropped,
// tautologies and satisfied clauses are skipped, false literals removed (the shortened
// clause is logged to the proof), units are assigned and propagated at once.
#include <algorithm>

#include "solver.hpp"

namespace cl {

CRef Solver::alloc_clause(const Lit* lits, size_t n, bool learnt, unsigned lbd) {
  size_t words = HEADER_WORDS + n;
  if (arena_.size() + words >= (size_t(1) << 31)) throw std::bad_alloc();
  CRef r = static_cast<CRef>(arena_.size());
  arena_.resize(arena_.size() + words);
  Clause& c = clause(r);
  c.size = static_cast<uint32_t>(n);
  c.lbd = std::min<unsigned>(lbd, 0xfff);
  c.idle = 0;
  c.learnt = learnt;
  c.garbage = 0;
  c.tier = 0;
  c.used = 0;
  c.pos = 2;
  c.activity = 0;
  c.usage = 0;
  c.filter = 0;
  std::copy(lits, lits + n, c.lits);
  if (learnt) {
    c.tier = lbd <= opts.tier1 ? 1 : lbd <= opts.tier2 ? 2 : 3;
    c.filter = filter_score(lits, n);
    learnts_.push_back(r);
  } else {
    originals_.push_back(r);
  }
  return r;
}

void Solver::attach(CRef r) {
  const Clause& c = clause(r);
  uint32_t bin = c.size == 2 ? 1u : 0u;
  watches_[c.lits[0]].push_back(Watch{c.lits[1], (r << 1) | bin});
  watches_[c.lits[1]].push_back(Watch{c.lits[0], (r << 1) | bin});
}

void Solver::mark_garbage(CRef r) {
  Clause& c = clause(r);
  if (c.garbage) return;
  c.garbage = 1;
  wasted_ += HEADER_WORDS + c.size;
  proof_delete(c.lits, c.size);
  stats.deleted += c.learnt;
}

// A clause is locked while it is the reason of its first (or, binary, either) literal.
bool Solver::locked(CRef r) const {
  const Clause& c = clause(r);
  for (uint32_t i = 0; i < (c.size == 2 ? 2u : 1u); ++i) {
    Lit l = c.lits[i];
    if (vals_[l] == 1 && reason_[var_of(l)] == r) return true;
  }
  return false;
}

bool Solver::add_clause(const Lit* in, size_t n) {
  if (unsat_) return false;
  backtrack(0);
  for (size_t i = 0; i < n; ++i)
    if (var_of(in[i]) >= num_vars()) throw InputError("literal beyond the declared variables");
  for (size_t i = 0; i < n; ++i)
    if (eliminated_[var_of(in[i])]) {
      restore_eliminated();
      if (unsat_) return false;
      break;
    }
  return add_clause_unchecked(in, n);
}

bool Solver::add_clause_unchecked(const Lit* in, size_t n) {
  if (unsat_) return false;
  std::vector<Lit> lits(in, in + n);
  std::sort(lits.begin(), lits.end());
  lits.erase(std::unique(lits.begin(), lits.end()), lits.end());
  size_t kept = 0;
  for (size_t i = 0; i < lits.size(); ++i) {
    Lit l = lits[i];
    if (i + 1 < lits.size() && lits[i + 1] == neg(l)) return true;  // tautology
    if (value(l) == 1) return true;                                   // satisfied at level 0
    if (value(l) == -1) continue;                                     // false at level 0
    lits[kept++] = l;
  }
  if (kept < lits.size() && proof_on_) proof_add(lits.data(), kept);  // RUP: drop false literals
  lits.resize(kept);
  if (lits.empty()) {
    unsat_ = true;
    if (proof_on_ && n > 0) proof_add(nullptr, 0);
    return false;
  }
  if (lits.size() == 1) {
    assign(lits[0], NO_REF);
    if (propagate() != NO_REF) {
      unsat_ = true;
      proof_add(nullptr, 0);
      return false;
    }
    return true;
  }
  attach(alloc_clause(lits.data(), lits.size(), false, 0));
  return true;
}

// At level 0: delete every clause satisfied by a level-0 literal.  Units of the trail
// are logged to the proof first, so that deleting their reasons keeps them derivable.
void Solver::simplify_level0() {
  if (!opts.simplify || decision_level() != 0 || trail_.size() == simplified_trail_) return;
  for (Lit l : trail_) {
    proof_unit(l);
    reason_[var_of(l)] = NO_REF;  // level-0 literals need no reasons
  }
  for (auto* list : {&originals_, &learnts_}) {
    for (CRef r : *list) {
      Clause& c = clause(r);
      if (c.garbage) continue;
      for (uint32_t i = 0; i < c.size; ++i)
        if (value(c.lits[i]) == 1) {
          mark_garbage(r);
          ++stats.simplified;
          break;
        }
    }
  }
  simplified_trail_ = trail_.size();
  remove_garbage();
}

// Drop clauses marked garbage from the clause lists and the watch lists, then compact
// the arena if enough of it is wasted.  Garbage clauses are never reasons: locked
// clauses are not deleted, and level-0 literals lose their reasons before simplifying.
void Solver::remove_garbage() {
  for (auto* list : {&originals_, &learnts_}) {
    size_t j = 0;
    for (CRef r : *list)
      if (!clause(r).garbage) (*list)[j++] = r;
    list->resize(j);
  }
  for (auto& ws : watches_) {
    size_t k = 0;
    for (const Watch& w : ws)
      if (!clause(w.cref()).garbage) ws[k++] = w;
    ws.resize(k);
  }
  collect_garbage();
}

// Compact the arena once a quarter of it is garbage.  Reasons are forwarded through
// the old headers; watch lists are rebuilt from each clause's first two literals, which
// are its watched literals by the propagation invariant.
void Solver::collect_garbage() {
  if (wasted_ * 4 < arena_.size()) return;
  ++stats.collections;
  std::vector<uint32_t> fresh;
  fresh.reserve(arena_.size() - wasted_);
  for (auto* list : {&originals_, &learnts_}) {
    size_t j = 0;
    for (CRef r : *list) {
      Clause& c = clause(r);
      CRef nr = static_cast<CRef>(fresh.size());
      size_t words = HEADER_WORDS + c.size;
      fresh.insert(fresh.end(), &arena_[r], &arena_[r] + words);
      c.usage = nr;  // forwarding pointer in the old copy
      (*list)[j++] = nr;
    }
    list->resize(j);
  }
  for (Lit l : trail_) {
    CRef& r = reason_[var_of(l)];
    if (r != NO_REF) r = clause(r).usage;
  }
  arena_.swap(fresh);
  wasted_ = 0;
  for (auto& ws : watches_) ws.clear();
  for (auto* list : {&originals_, &learnts_})
    for (CRef r : *list) attach(r);
}

bool Solver::over_memory() const {
  if (memory_budget < 0) return false;
  size_t bytes = arena_.capacity() * 4 + trail_.capacity() * 4;
  for (const auto& ws : watches_) bytes += ws.capacity() * sizeof(Watch);
  return static_cast<int64_t>(bytes) > memory_budget;
}

size_t Solver::num_learnts() const {
  size_t n = 0;
  for (CRef r : learnts_) n += !clause(r).garbage;
  return n;
}

std::vector<std::vector<Lit>> Solver::learnt_clauses() const {
  std::vector<std::vector<Lit>> out;
  for (CRef r : learnts_) {
    const Clause& c = clause(r);
    if (!c.garbage) out.emplace_back(c.lits, c.lits + c.size);
  }
  return out;
}

}  // namespace cl
