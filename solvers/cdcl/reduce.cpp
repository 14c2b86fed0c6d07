// Learned-clause database reduction.
//
// Policy 0, three tiers (Kissat; Oh, SAT 2015; Audemard, Simon 2009): clauses with LBD
// <= tier1 are core and kept while used at least once in `tier1_idle` reductions (a core
// clause idle that long falls to tier2: miters learn many LBD-2 clauses that are never
// used again, and keeping them all slows propagation); LBD <= tier2 are kept while used in conflict
// analysis between two reductions, and fall to the local tier otherwise; local clauses
// used since the last reduction survive one more round, and of the rest the worst
// `reduce_fraction` percent are deleted, ranked by LBD, then by activity.
//
// Policy 1, usage then length (Cai, Zhang, Shi, Tao, Xu, "Rethinking Clause Management
// for CDCL SAT Solvers", 2026): LBD is not used.  Every use of a learned clause in
// propagation or analysis counts; the counts halve every `usage_decay_int` reductions.
// Clauses with a positive count are kept (stage 1); among the rest the longest are
// deleted (stage 2).
//
// Clause filter (the guidance hook): each learned clause carries the mean of the
// per-literal weights given from Python, computed when it is learned.  The rank key is
// (LBD or length) minus that score, so a positive weight keeps a clause longer and a
// negative one drops it sooner; with all weights 0 the ranking, and so the whole run, is
// exactly that of no hook.  Statistics count the clauses whose fate the filter changed.
#include <algorithm>

#include "solver.hpp"

namespace cl {

float Solver::filter_score(const Lit* lits, size_t n) const {
  if (filter_w_.empty() || n == 0) return 0.0f;
  float s = 0;
  for (size_t i = 0; i < n; ++i) s += filter_w_[lits[i]];
  return s / static_cast<float>(n);
}

void Solver::reduce() {
  auto t0 = std::chrono::steady_clock::now();
  ++stats.reductions;
  std::vector<CRef> cand;
  bool usage_policy = opts.reduce_policy == 1;
  for (CRef r : learnts_) {
    Clause& c = clause(r);
    if (c.garbage) continue;
    if (usage_policy) {
      if (c.size <= 2 || c.usage > 0 || locked(r)) continue;
    } else {
      if (c.tier == 1) {  // core, unless idle too long (then it falls to tier2)
        if (c.used) {
          c.used = 0;
          c.idle = 0;
        } else if (c.idle < 15) {
          ++c.idle;
        }
        if (opts.tier1_idle < 15 && c.idle >= opts.tier1_idle) c.tier = 2;
        continue;
      }
      if (c.tier == 2) {
        if (c.used)
          c.used = 0;
        else
          c.tier = 3;
        continue;
      }
      if (c.used) {
        c.used = 0;
        continue;
      }
      if (locked(r)) continue;
    }
    cand.push_back(r);
  }
  auto base = [&](const Clause& c) { return usage_policy ? static_cast<float>(c.size) : static_cast<float>(c.lbd); };
  auto worse_first = [&](bool with_filter) {
    return [&, with_filter](CRef a, CRef b) {
      const Clause& x = clause(a);
      const Clause& y = clause(b);
      float kx = base(x) - (with_filter ? x.filter : 0.0f);
      float ky = base(y) - (with_filter ? y.filter : 0.0f);
      if (kx != ky) return kx > ky;
      if (x.activity != y.activity) return x.activity < y.activity;
      return a < b;
    };
  };
  size_t drop = cand.size() * static_cast<size_t>(opts.reduce_fraction) / 100;
  if (has_filter() && drop > 0 && drop < cand.size()) {
    // what would have gone without the filter, to count the clauses it changed
    std::vector<CRef> plain = cand;
    std::nth_element(plain.begin(), plain.begin() + static_cast<long>(drop), plain.end(), worse_first(false));
    std::sort(plain.begin(), plain.begin() + static_cast<long>(drop));
    std::nth_element(cand.begin(), cand.begin() + static_cast<long>(drop), cand.end(), worse_first(true));
    std::vector<CRef> filtered(cand.begin(), cand.begin() + static_cast<long>(drop));
    std::sort(filtered.begin(), filtered.end());
    std::vector<CRef> diff;
    std::set_difference(filtered.begin(), filtered.end(), plain.begin(), plain.begin() + static_cast<long>(drop),
                        std::back_inserter(diff));
    stats.filter_dropped += diff.size();
    stats.filter_kept += diff.size();  // equal sizes: one kept for each one dropped
  } else if (drop > 0 && drop < cand.size()) {
    std::nth_element(cand.begin(), cand.begin() + static_cast<long>(drop), cand.end(), worse_first(false));
  }
  for (size_t i = 0; i < drop; ++i) mark_garbage(cand[i]);
  if (usage_policy && stats.reductions % static_cast<uint64_t>(opts.usage_decay_int) == 0)
    for (CRef r : learnts_) clause(r).usage >>= 1;
  remove_garbage();
  stats.time_reduce += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace cl
