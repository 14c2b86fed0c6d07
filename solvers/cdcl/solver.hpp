// circuitlab's CDCL engine: one Solver object, no global state.
//
// The search follows the modern CDCL recipe (MiniSat, Glucose, CaDiCaL, Kissat):
//   propagate.cpp  two watched literals with blocking literals (Chu, Harwood, Stuckey 2008)
//   analyze.cpp    first-UIP learning, recursive minimization (Sörensson, Biere 2009), LBD
//                  (Audemard, Simon 2009), failed-assumption cores
//   decide.cpp     VSIDS (Moskewicz et al. 2001) on a binary heap and VMTF (Ryan 2004,
//                  Biere, Fröhlich 2015) on a bump-ordered queue; phase saving, target and
//                  best phases, rephasing (Biere, Fleury 2020); guidance hooks
//   restart.cpp    glucose-style EMA restarts (Biere, Fröhlich 2015) and Luby restarts;
//                  alternating focused / stable modes
//   reduce.cpp     three-tier learned clause database (core / tier2 / local, Kissat), or the
//                  usage-then-length policy of Cai et al. 2026; clause-filter scores
//   clauses.cpp    the clause arena, adding clauses, level-0 simplification, garbage collection
//   elim.cpp       bounded variable elimination with AND gates and backward subsumption
//                  (Eén, Biere 2005), before the first search; model extension
//   decompose.cpp  equivalent-literal substitution over binary clauses, at level 0
//   proof.cpp      DRAT output (Wetzler, Heule, Hunt 2014)
//   search.cpp     the CDCL loop, assumptions, budgets and the interrupt flag
//
// Literals are 2 * var + sign (sign 1 = negated); variables count from 0.  The binding
// turns DIMACS literals into these.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include "options.hpp"

namespace cl {

using Lit = uint32_t;
using Var = uint32_t;
using CRef = uint32_t;  // offset of a clause in the arena, in 32-bit words
constexpr CRef NO_REF = 0xffffffffu;
constexpr int LEVEL_NONE = -1;
// decide() results that are not literals
constexpr Lit LIT_ALL_ASSIGNED = 0xffffffffu;  // every variable has a value: SAT
constexpr Lit LIT_FAILED = 0xfffffffeu;        // an assumption is false: UNSAT under assumptions

inline Var var_of(Lit l) { return l >> 1; }
inline Lit neg(Lit l) { return l ^ 1u; }
inline Lit make_lit(Var v, bool negated) { return (v << 1) | (negated ? 1u : 0u); }

enum Status : int { UNKNOWN = 0, SAT = 10, UNSAT = 20 };

// Why a solve returned UNKNOWN.
enum class Stop : int { NONE = 0, CONFLICTS, PROPAGATIONS, TIME, INTERRUPT, MEMORY };

// Clause header, followed in the arena by `size` literals.
struct Clause {
  uint32_t size;
  uint32_t lbd : 12;  // capped at 4095
  uint32_t learnt : 1;
  uint32_t garbage : 1;
  uint32_t tier : 2;  // learnt: 1 core, 2 tier2, 3 local
  uint32_t used : 2;  // recently used in conflict analysis (counts down at reductions)
  uint32_t idle : 4;  // core: reductions since it was last used (capped at 15)
  uint32_t pos : 10;  // where the last replacement watch was found (Gent, JAIR 2013), < 1024
  float activity;     // bumped when the clause takes part in analysis
  uint32_t usage;     // decayed use count (reduce_policy 1); forwarding pointer during GC
  float filter;       // clause-filter score: mean weight of its literals (0 without a hook)
  Lit lits[1];        // really `size` of them
};
constexpr uint32_t HEADER_WORDS = 5;

// A watch: the clause, and a literal of it that, when true, lets propagation skip it.
struct Watch {
  Lit blocker;
  uint32_t ref2;  // (cref << 1) | binary
  bool binary() const { return ref2 & 1u; }
  CRef cref() const { return ref2 >> 1; }
};

// Bias-corrected exponential moving average (Biere, Fröhlich, POS 2015).
struct EMA {
  double value = 0, biased = 0, exp = 1, alpha = 0;
  explicit EMA(double a = 0) : alpha(a) {}
  void update(double y) {
    biased += alpha * (y - biased);
    if (exp > 0) {
      exp *= 1 - alpha;
      value = exp > 0 ? biased / (1 - exp) : biased;
    } else {
      value = biased;
    }
  }
};

struct Stats {
  uint64_t conflicts = 0, decisions = 0, propagations = 0, restarts = 0, reductions = 0;
  uint64_t learned = 0, learned_literals = 0, minimized_literals = 0, deleted = 0;
  uint64_t units = 0, binaries = 0, rephases = 0, mode_switches = 0, collections = 0;
  uint64_t simplified = 0, solves = 0, reused_trails = 0;
  // preprocessing (elim.cpp)
  uint64_t eliminated = 0, elim_resolvents = 0, subsumed = 0, strengthened = 0, restored = 0;
  uint64_t decompositions = 0, substituted = 0;  // decompose.cpp
  // guidance hooks
  uint64_t priority_decisions = 0;  // decisions taken from the priority order
  uint64_t phase_decisions = 0;     // decisions on a variable with a given phase
  uint64_t phases_followed = 0;     // ... of which took the given phase
  uint64_t filter_kept = 0;         // kept at a reduction only because of the filter
  uint64_t filter_dropped = 0;      // dropped at a reduction only because of the filter
  // time spent, seconds (measured with a steady clock around each part)
  double time_propagate = 0, time_analyze = 0, time_reduce = 0, time_elim = 0, time_decompose = 0, time_total = 0;
};

class Solver {
 public:
  Solver();
  Options opts;
  Stats stats;

  // ---- problem ---------------------------------------------------------------
  Var num_vars() const { return static_cast<Var>(level_.size()); }
  void reserve_vars(Var n);                 // grow to n variables
  // Add a clause of internal literals (variables < num_vars()).  Returns false once
  // the formula is known unsatisfiable.  Must be called outside solve().
  bool add_clause(const Lit* lits, size_t n);
  bool inconsistent() const { return unsat_; }

  // ---- solving ---------------------------------------------------------------
  Status solve(const std::vector<Lit>& assumptions);
  Stop stop_reason() const { return stop_; }
  // Value of a variable in the last model: 1 true, 0 false.
  bool model_value(Var v) const { return model_[v]; }
  // Assumptions that together were refuted (a subset of the last assumptions).
  const std::vector<Lit>& failed() const { return failed_; }

  // ---- limits (per solve call; negative = none) -------------------------------
  int64_t conflict_budget = -1, propagation_budget = -1;
  double time_budget = -1;       // seconds
  int64_t memory_budget = -1;    // bytes of arena + watches
  std::atomic<bool> interrupt{false};

  // ---- guidance hooks (arrays copied in, never callbacks) ---------------------
  void set_phases(const int8_t* phases, size_t n);     // per variable: +1, -1, 0
  void set_priorities(const double* prio, size_t n);   // per variable; NaN = none
  void set_filter_weights(const float* w, size_t n);   // per literal (2 * num_vars)
  bool has_filter() const { return !filter_w_.empty(); }
  // The saved phase of one variable (what the next decision on it picks).
  void set_saved_phase(Var v, bool value) { saved_[v] = value ? 1 : -1; }

  // ---- proofs ----------------------------------------------------------------
  void enable_proof(const std::string& path);  // "" = keep the proof in memory
  std::string take_proof();                    // the in-memory proof so far
  bool proof_failed() const { return proof_error_; }

  // ---- introspection for tests -------------------------------------------------
  size_t num_learnts() const;
  size_t arena_bytes() const { return arena_.size() * 4; }
  // The learned clauses currently kept, as internal literals (for filter tests).
  std::vector<std::vector<Lit>> learnt_clauses() const;

 private:
  // ---- state ----
  std::vector<uint32_t> arena_;
  size_t wasted_ = 0;                       // words of garbage in the arena
  std::vector<CRef> originals_, learnts_;
  std::vector<std::vector<Watch>> watches_;  // per literal: clauses watching it
  std::vector<int8_t> vals_;                 // per literal: 1 true, -1 false, 0 unassigned
  std::vector<int> level_;
  std::vector<CRef> reason_;
  std::vector<Lit> trail_;
  std::vector<size_t> trail_lim_;
  size_t qhead_ = 0;
  bool unsat_ = false;
  std::vector<Lit> assumptions_;
  std::vector<Lit> failed_;
  std::vector<char> model_;
  Stop stop_ = Stop::NONE;

  // analysis scratch
  std::vector<char> seen_;
  std::vector<Lit> learnt_, analyze_stack_, analyze_toclear_;
  std::vector<Var> bumped_;
  std::vector<uint64_t> level_stamp_;
  uint64_t stamp_ = 0;

  // VSIDS
  std::vector<double> activity_;
  double var_inc_ = 1;
  std::vector<Var> heap_;
  std::vector<int> heap_pos_;
  // VMTF
  std::vector<Var> prev_, next_;
  std::vector<uint64_t> btab_;
  Var q_first_ = 0, q_last_ = 0, q_search_ = 0;
  uint64_t q_stamp_ = 0;

  // phases
  std::vector<int8_t> saved_, target_, best_, given_phase_;
  size_t target_size_ = 0, best_size_ = 0;
  uint64_t next_rephase_ = 0, rephase_count_ = 0;

  // priorities
  std::vector<double> priority_;
  std::vector<Var> priority_order_;  // guided variables, highest priority first
  std::vector<int> priority_rank_;   // position in priority_order_, or -1
  size_t priority_next_ = 0;         // no unassigned variable before this position

  // clause filter
  std::vector<float> filter_w_;

  // variable elimination
  std::vector<char> eliminated_, frozen_;
  std::vector<Lit> ext_;  // extension stack: clauses (pivot first), each followed by its size

  // restarts, modes
  EMA fast_lbd_, slow_lbd_;
  bool stable_mode_ = false;
  uint64_t conflicts_since_restart_ = 0, next_mode_switch_ = 0, mode_length_ = 0;
  uint64_t luby_index_ = 0, luby_limit_ = 0;

  // reductions
  uint64_t next_reduce_ = 0;
  size_t simplified_trail_ = 0;
  float clause_inc_ = 1;

  // limits
  std::chrono::steady_clock::time_point deadline_;
  bool has_deadline_ = false;
  uint64_t conflict_limit_ = 0, propagation_limit_ = 0;

  // proof
  bool proof_on_ = false, proof_error_ = false;
  std::FILE* proof_file_ = nullptr;
  std::string proof_buf_;
  std::vector<char> unit_logged_;

 public:
  ~Solver();
  Solver(const Solver&) = delete;
  Solver& operator=(const Solver&) = delete;

 private:
  // ---- helpers ----
  Clause& clause(CRef r) { return *reinterpret_cast<Clause*>(&arena_[r]); }
  const Clause& clause(CRef r) const { return *reinterpret_cast<const Clause*>(&arena_[r]); }
  int8_t value(Lit l) const { return vals_[l]; }
  int decision_level() const { return static_cast<int>(trail_lim_.size()); }
  void assign(Lit l, CRef reason);
  void new_decision_level() { trail_lim_.push_back(trail_.size()); }

  // clauses.cpp
  CRef alloc_clause(const Lit* lits, size_t n, bool learnt, unsigned lbd);
  void attach(CRef r);
  void mark_garbage(CRef r);
  bool locked(CRef r) const;
  void simplify_level0();
  void remove_garbage();
  void collect_garbage();
  bool over_memory() const;
  bool add_clause_unchecked(const Lit* lits, size_t n);

  // decompose.cpp
  void decompose();
  uint64_t next_decompose_ = 0, decompose_binaries_ = 0, decompose_units_ = 0;

  // elim.cpp
  void eliminate(const std::vector<Lit>& assumptions);
  void extend_model();
  void restore_eliminated();
  void heap_remove(Var v);
  void vmtf_unlink(Var v);
  void vmtf_append(Var v);
  void proof_delete_after_add_strengthened(const std::vector<Lit>& old_lits, Lit removed);

  // propagate.cpp
  CRef propagate();

  // analyze.cpp
  void analyze(CRef conflict, int* backjump_level, unsigned* lbd);
  bool redundant(Lit l, uint32_t abstract_levels);
  unsigned compute_lbd(const Lit* lits, size_t n);
  void analyze_final(Lit p);
  void bump_clause(Clause& c);
  void bump_reason_literals();

  // decide.cpp
  void init_var(Var v);
  void heap_insert(Var v);
  void heap_up(int i);
  void heap_down(int i);
  Var heap_pop();
  bool heap_contains(Var v) const { return heap_pos_[v] >= 0; }
  void bump_var_vsids(Var v);
  void vmtf_move_to_front(Var v);
  void bump_vars();
  bool use_vmtf() const;
  Lit decide();
  Var next_priority_var();
  void on_unassign(Var v);
  void update_target_and_best();
  void maybe_rephase();

  // restart.cpp
  bool should_restart();
  int reuse_trail_level();
  void restart();
  void maybe_switch_mode();
  void backtrack(int level);

  // reduce.cpp
  void reduce();
  float filter_score(const Lit* lits, size_t n) const;

  // proof.cpp
  void proof_add(const Lit* lits, size_t n);
  void proof_delete(const Lit* lits, size_t n);
  void proof_write_clause(const Lit* lits, size_t n, bool deletion);
  void proof_unit(Lit l);

  // search.cpp
  Status search();
  bool budget_exhausted();
  void start_limits();
  friend struct SolverAccess;
};

// Raised for bad input that the binding turns into a Python ValueError.
struct InputError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

}  // namespace cl
