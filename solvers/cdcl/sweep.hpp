// SAT sweeping for combinational equivalence checking, on circuitlab's CDCL engine.
//
// The method is ABC's (FRAIGs: Mishchenko, Chatterjee, Jiang, Brayton, 2005; the small
// incremental queries of `&cec`): random simulation puts the nodes of a miter into
// candidate classes; in topological order each node is rebuilt on its merged fanins
// (structurally hashed) and checked against its class representative: first by truth
// tables over a small common cut (exact when they agree: the local rewrites of an
// optimizer such as ABC's dc2 mostly show there), then by two small SAT queries over
// their fanin cones, loaded into the solver on demand.  Agreement or UNSAT merges the
// node; a counterexample is simulated together with its distance-1 neighbours (one
// input flipped) and splits the classes.  The solver is recycled once it has grown and
// answered enough queries, so each query stays small.
//
// Around the sweep (Sweeper::run): the outputs are first simulated, and those with small
// cones are checked by short SAT calls, cheapest first (bug hunting); then rounds of
// sweeping and output checks follow with budgets that grow by `growth` per round.  In `auto` mode a round
// that proves few of its candidates (no internal equivalences to exploit, as between an
// array and a carry-save multiplier) hands the outputs to one unbounded CDCL check.
//
// Every merge is backed by equal truth tables over a cut or by an UNSAT answer, and every
// difference by a satisfying assignment, whose input values are returned for the caller to re-simulate.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "options.hpp"
#include "solver.hpp"

namespace cl {

// A combinational AIG in AIGER numbering: variable 0 is constant false, variables
// 1..num_inputs are the inputs, the rest are AND gates in topological order.
// Literal = 2 * variable + complement.  fanin0/fanin1 are 0 for non-AND variables.
struct Aig {
  uint32_t num_inputs = 0;
  std::vector<uint32_t> fanin0, fanin1;  // per variable
  std::vector<uint32_t> outputs;         // literals
  uint32_t num_vars() const { return static_cast<uint32_t>(fanin0.size()); }
  uint32_t num_ands() const { return num_vars() - 1 - num_inputs; }
  bool is_and(uint32_t v) const { return v > num_inputs; }
  // Check the numbering; throws InputError.
  void validate() const;
};

// An AIG under construction with structural hashing: and_() returns an existing
// literal for a repeated (or trivial) pair of fanins.
class AigBuilder {
 public:
  explicit AigBuilder(uint32_t num_inputs);
  uint32_t and_(uint32_t a, uint32_t b);
  // From now on, and_(a, b) answers `lit` (a proven replacement of that gate).
  void redirect(uint32_t a, uint32_t b, uint32_t lit);
  Aig& aig() { return aig_; }

 private:
  Aig aig_;
  std::unordered_map<uint64_t, uint32_t> table_;
  static uint64_t key(uint32_t a, uint32_t b) { return a > b ? (uint64_t(a) << 32) | b : (uint64_t(b) << 32) | a; }
};

// The gates reachable from the outputs, renumbered; outputs keep their order.
Aig cleanup(const Aig& in);

// The miter of a and b with one output per matched pair (their XOR), structurally
// hashed: b's input in_perm[k] is a's input k, b's output out_perm[k] meets a's output k.
Aig build_miter(const Aig& a, const Aig& b, const std::vector<uint32_t>& in_perm,
                const std::vector<uint32_t>& out_perm);

// Output values of `g` under one input vector (0/1 per input).
std::vector<char> evaluate(const Aig& g, const std::vector<char>& inputs);

struct SweepStats {
  uint64_t rounds = 0, candidates = 0, proved = 0, structural = 0, refuted = 0, undecided = 0;
  uint64_t counterexamples = 0, sat_calls = 0, conflicts = 0, decisions = 0, propagations = 0, recycles = 0;
  uint64_t outputs_proved = 0, bughunt_calls = 0, deferred = 0, cut_proved = 0, stalled = 0;
  uint64_t ands_before = 0, ands_after = 0, classes = 0;
  double time_sim = 0, time_sat = 0, time_total = 0;
  bool complete = true;  // false when the deadline or an interrupt stopped a round
};

// What a running sweep has done so far, readable from another thread.
struct SweepProgress {
  std::atomic<uint64_t> round{0}, done{0}, total{0}, proved{0}, refuted{0}, undecided{0}, outputs_left{0};
};

// A solver over an AIG that is still growing: a gate's clauses (Tseitin) are added the
// first time a query touches its cone.
class ConeSolver {
 public:
  ConeSolver(const Aig& aig, const Options& engine_opts, bool phases);
  Lit lit(uint32_t aig_lit);  // SAT literal of an AIG literal, loading its cone
  Status solve(const std::vector<Lit>& assumptions, int64_t conflicts, double seconds, std::atomic<bool>* stop,
               int64_t propagations = -1);
  void add_clause(std::initializer_list<Lit> lits);
  // Value of AIG input `v` in the last model; false if the input was never loaded.
  bool input_loaded(uint32_t v) const { return v < satvar_.size() && satvar_[v] >= 0; }
  bool input_value(uint32_t v) const { return s_->model_value(static_cast<Var>(satvar_[v])); }
  const std::vector<uint32_t>& loaded_inputs() const { return inputs_; }
  void recycle();
  uint32_t vars() const { return s_->num_vars(); }
  uint64_t calls() const { return calls_; }
  // engine work of every solver so far: conflicts, decisions, propagations
  void add_work(SweepStats& st) const;
  Solver& solver() { return *s_; }

 private:
  const Aig& aig_;
  const Options& opts_;
  std::unique_ptr<Solver> s_;
  std::vector<int32_t> satvar_;  // per AIG variable, -1 until loaded
  std::vector<char> phase_;      // per loaded AIG variable: its value under one random input pattern
  std::vector<uint32_t> inputs_, stack_;
  uint64_t calls_ = 0;
  bool phases_;
  Stats done_;  // of the recycled solvers
  Var new_var();
};

class Sweeper {
 public:
  Sweeper(Aig aig, const SweepOptions& opts, const Options& engine_opts);
  // Prove every output constant 0 (UNSAT), find inputs that set one (SAT), or give up
  // at the deadline or an interrupt (UNKNOWN).
  Status run(double seconds);
  // One sweeping round with the given query budget, outputs untouched: the reduced AIG.
  Status sweep_once(int64_t conflicts, double seconds);
  const std::vector<char>& counterexample() const { return cex_; }  // per input, after SAT
  const Aig& current() const { return aig_; }
  const SweepStats& stats() const { return stats_; }
  Stop stop_reason() const { return stop_; }
  SweepProgress progress;
  void interrupt();
  // Guided sweeping: candidates whose variable (of the AIG given to the constructor) is
  // marked here are not queried in the first sweeping round, only in later ones (over
  // the reduced AIG, with grown budgets).  Throws InputError on a wrong length.
  void set_deferred(std::vector<char> defer);

 private:
  Aig aig_;
  SweepOptions opts_;
  Options engine_opts_;
  SweepStats stats_;
  std::vector<char> cex_;
  Stop stop_ = Stop::NONE;
  std::atomic<bool> interrupt_{false};
  std::chrono::steady_clock::time_point deadline_;
  bool has_deadline_ = false;
  uint64_t rng_;
  std::vector<char> defer_;  // per variable of the first round's AIG
  bool swept_ = false;       // a round has rebuilt aig_ (the numbering of defer_ is gone)

  bool stopped();
  double seconds_left() const;
  uint64_t random();
  Status simulate_outputs();
  Status check_outputs(int64_t conflicts, uint32_t max_cone);
  Status fraig_round(int64_t conflicts, bool* weak, bool stop_at_difference);
  Status take_model(ConeSolver& cs);
};

}  // namespace cl
