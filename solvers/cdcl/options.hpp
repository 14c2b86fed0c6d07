// The engine's and the sweeper's options, declared once (CaDiCaL's options.hpp habit).
//
// Each row: name, default, lowest, highest, help.  The table feeds the Options
// struct below, the Python binding (circuitlab.solvers.engine.OPTIONS), the CLI's
// --engine-option NAME=VALUE flag and the README's option list.  All values are
// integers; a row that is a choice documents its codes in the help text.
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

#define CL_OPTIONS(X)                                                                          \
  X(heuristic, 2, 0, 2, "decision heuristic: 0 VSIDS, 1 VMTF, 2 VMTF when focused and VSIDS when stable") \
  X(restarts, 2, 0, 2, "restart policy: 0 glucose EMA, 1 Luby, 2 EMA when focused and Luby when stable") \
  X(stable, 2, 0, 2, "search mode: 0 focused only, 1 stable only, 2 alternate")                 \
  X(stable_init, 1000, 10, 1000000000, "conflicts of the first focused phase (mode length grows x2)") \
  X(vsids_decay, 950, 500, 999, "VSIDS decay in thousandths")                                  \
  X(ema_fast, 30, 1, 1000, "fast LBD EMA alpha in thousandths")                               \
  X(ema_slow, 10, 1, 1000, "slow LBD EMA alpha in millionths")                                \
  X(restart_margin, 110, 100, 1000, "restart when fast EMA > margin/100 x slow EMA")          \
  X(restart_min, 2, 1, 1000000, "conflicts between two EMA restarts at least")                \
  X(luby_base, 1024, 1, 1000000000, "Luby restart unit in conflicts")                         \
  X(reuse_trail, 1, 0, 1, "restarts keep the decisions the heuristic would take again")    \
  X(minimize, 1, 0, 1, "recursive minimization of learned clauses")                           \
  X(bump_reasons, 0, 0, 1, "also bump the variables of the learned clause's reasons")         \
  X(phase, 1, 0, 1, "initial (original) phase: 0 false, 1 true")                              \
  X(target, 1, 0, 2, "target phases: 0 never, 1 in stable mode, 2 always")                   \
  X(rephase, 1, 0, 1, "rephase (best / original / inverted) periodically")                     \
  X(rephase_int, 1000, 10, 1000000000, "conflicts between rephases (grows arithmetically)")    \
  X(tier1, 2, 1, 100, "learned clauses with LBD <= tier1 are core (kept)")                    \
  X(tier2, 6, 1, 100, "learned clauses with LBD <= tier2 stay while used")                    \
  X(tier1_idle, 15, 1, 15, "core clauses unused for this many reductions fall to tier2 (15: never)") \
  X(reduce_init, 2000, 10, 1000000000, "conflicts before the first reduction")                \
  X(reduce_inc, 300, 1, 1000000, "increase of the reduction interval")                       \
  X(reduce_fraction, 50, 1, 100, "percentage of candidate local clauses deleted per reduction") \
  X(reduce_policy, 0, 0, 1, "0 LBD tiers (glucose/kissat), 1 usage filter then length (Cai et al. 2026)") \
  X(usage_decay_int, 2, 1, 1000, "usage policy: reductions between halvings of usage scores") \
  X(priority_window, 0, 0, 2000000000, "conflicts during which decisions follow the given priorities") \
  X(forced_phases, 0, 0, 1, "given phases are forced at every decision (else initial phases)") \
  X(simplify, 1, 0, 1, "remove satisfied clauses at level 0")                                 \
  X(elim, 1, 0, 1, "bounded variable elimination before the first search")                    \
  X(decompose, 1, 0, 1, "substitute equivalent literals (SCCs of binary clauses) at level 0")    \
  X(decompose_int, 2000, 10, 1000000000, "conflicts between substitutions (grows arithmetically)") \
  X(elim_rounds, 8, 1, 1000, "elimination rounds at most")                                    \
  X(elim_xor, 1, 0, 1, "elimination also uses XOR-gate definitions (besides AND gates)")       \
  X(elim_bound, 16, 0, 100000, "clauses an elimination may add, at most (0 first, doubling per round)") \
  X(elim_occ, 100, 1, 1000000, "skip variables with more occurrences of one literal")         \
  X(elim_clause, 100, 2, 1000000, "skip variables whose resolvents would be longer")         \
  X(elim_effort, 100, 1, 100000, "elimination work limit, in steps per literal of the formula") \
  X(seed, 0, 0, 2000000000, "random seed (tie-breaking of the initial order)")

#define CL_SWEEP_OPTIONS(X)                                                                    \
  X(sim_words, 16, 1, 1024, "64-pattern words of random simulation for the first classes")    \
  X(query_conflicts, 100, 1, 2000000000, "conflict budget of an equivalence query, first round") \
  X(output_conflicts, 2000, 1, 2000000000, "conflict budget of an output query, first round") \
  X(query_propagations, 1000, 0, 2000000000, "propagation budget of an equivalence query per conflict of its budget (0: none)") \
  X(cut_leaves, 10, 0, 16, "first try a candidate by truth tables over a common cut of at most this many leaves (0: off)") \
  X(bughunt_conflicts, 50, 0, 2000000000, "conflict budget of each output's bug-hunting query (0 off)") \
  X(bughunt_cone, 500, 0, 2000000000, "bug hunting queries only the outputs whose cone has at most this many nodes") \
  X(growth, 4, 1, 1000, "factor by which query budgets grow from one round to the next")      \
  X(rounds, 6, 1, 100, "sweeping rounds before the last, unbounded output check")            \
  X(recycle_vars, 20000, 10, 2000000000, "recycle the query solver once it has more variables ...") \
  X(recycle_calls, 500, 1, 2000000000, "... and has answered this many queries")       \
  X(mode, 1, 0, 1, "0 sweep every round; 1 auto: a round that proves few candidates ends sweeping") \
  X(weak_percent, 10, 0, 100, "auto: a round is weak when it proves under this percentage of its SAT queries") \
  X(stall_queries, 256, 0, 1000000, "auto: when this many SAT queries in a row decide under weak_percent of them, the rest of the round tries cuts only (0: never)") \
  X(sim_phases, 0, 0, 1, "queries decide first on the values of one simulated input pattern") \
  X(final, 1, 0, 1, "end with an unbounded check of the outputs left (0: return them undecided)") \
  X(seed, 0, 0, 2000000000, "random seed of the simulation patterns")

namespace cl {

#define CL_FIELD(name, def, lo, hi, help) int64_t name = def;
struct Options {
  CL_OPTIONS(CL_FIELD)
};
struct SweepOptions {
  CL_SWEEP_OPTIONS(CL_FIELD)
};
#undef CL_FIELD

struct OptionInfo {
  const char* name;
  int64_t def, lo, hi;
  const char* help;
};

// One row of an options table with the field it sets.
template <class S>
struct OptionRow {
  OptionInfo info;
  int64_t S::*field;
};

template <class S>
const std::vector<OptionRow<S>>& option_rows();

template <>
inline const std::vector<OptionRow<Options>>& option_rows<Options>() {
#define CL_ROW(name, def, lo, hi, help) {{#name, def, lo, hi, help}, &Options::name},
  static const std::vector<OptionRow<Options>> rows = {CL_OPTIONS(CL_ROW)};
#undef CL_ROW
  return rows;
}

template <>
inline const std::vector<OptionRow<SweepOptions>>& option_rows<SweepOptions>() {
#define CL_ROW(name, def, lo, hi, help) {{#name, def, lo, hi, help}, &SweepOptions::name},
  static const std::vector<OptionRow<SweepOptions>> rows = {CL_SWEEP_OPTIONS(CL_ROW)};
#undef CL_ROW
  return rows;
}

// Set option `name`; false (with the reason in *why) if there is no such option or the
// value is out of its range.
template <class S>
bool set_option(S& o, const char* name, int64_t value, const char** why) {
  for (const auto& row : option_rows<S>()) {
    if (std::strcmp(name, row.info.name) != 0) continue;
    if (value < row.info.lo || value > row.info.hi) {
      *why = "out of range";
      return false;
    }
    o.*row.field = value;
    return true;
  }
  *why = "no such option";
  return false;
}

}  // namespace cl
