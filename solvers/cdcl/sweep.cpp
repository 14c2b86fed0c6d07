// SAT sweeping (see sweep.hpp): AIG building and simulation, candidate classes, cone
// solvers, the sweeping round, and the bug-hunting / proving loop around it.
#include "sweep.hpp"

#include <algorithm>
#include <numeric>
#include <string>

namespace cl {

namespace {

constexpr uint32_t NONE = 0xffffffffu;

uint64_t mask_of(uint32_t lit) { return (lit & 1u) ? ~uint64_t(0) : 0; }

// Exact equivalence of two literals of a growing AIG over a common cut, without SAT.
// From the pair, the highest-numbered gate among the leaves is replaced by its fanins,
// again and again, so the expanded gates come in decreasing order and each one's
// fanins are leaves or expanded gates.  The cut may pass `max_leaves` on the way (a
// reconvergent cone often narrows again), up to twice that; the deepest cut seen with
// at most `max_leaves` leaves is the one checked.  Truth tables over its leaves, as free
// variables, then decide: equal tables prove the literals equal for every input (the
// leaves take some values, and both literals are these functions of them); different
// tables prove nothing, since the leaves need not be independent.
class CutCheck {
 public:
  bool equal(const Aig& g, uint32_t x, uint32_t y, uint32_t max_leaves) {
    if (++epoch_ == 0) {  // wrapped: clear the stamps
      std::fill(stamp_.begin(), stamp_.end(), 0);
      epoch_ = 1;
    }
    if (stamp_.size() < g.num_vars()) {
      stamp_.resize(g.num_vars(), 0);
      index_.resize(g.num_vars(), 0);
    }
    leaves_.clear();
    inner_.clear();
    add_leaf(x >> 1);
    add_leaf(y >> 1);
    size_t checked = 0;  // expanded gates of the deepest cut with at most max_leaves leaves
    while (inner_.size() < MAX_INNER && leaves_.size() <= 2 * size_t(max_leaves)) {
      size_t best = NONE;  // the highest-numbered gate among the leaves
      for (size_t i = 0; i < leaves_.size(); ++i)
        if (g.is_and(leaves_[i]) && (best == NONE || leaves_[i] > leaves_[best])) best = i;
      if (best == NONE) break;
      uint32_t v = leaves_[best];
      leaves_[best] = leaves_.back();  // v leaves the cut ...
      leaves_.pop_back();
      stamp_[v] = 0;
      inner_.push_back(v);  // ... and is computed from its fanins
      add_leaf(g.fanin0[v] >> 1);
      add_leaf(g.fanin1[v] >> 1);
      if (leaves_.size() <= max_leaves) {
        checked = inner_.size();
        cut_ = leaves_;
      }
    }
    if (checked == 0) return false;  // nothing to compare but the literals themselves
    inner_.resize(checked);
    leaves_.swap(cut_);
    const size_t k = leaves_.size(), words = k <= 6 ? 1 : size_t(1) << (k - 6);
    tt_.resize((k + inner_.size()) * words);
    if (zeros_.size() < words) zeros_.assign(words, 0);
    static const uint64_t PROJ[6] = {0xAAAAAAAAAAAAAAAAull, 0xCCCCCCCCCCCCCCCCull, 0xF0F0F0F0F0F0F0F0ull,
                                     0xFF00FF00FF00FF00ull, 0xFFFF0000FFFF0000ull, 0xFFFFFFFF00000000ull};
    for (size_t i = 0; i < k; ++i) {
      uint64_t* t = &tt_[i * words];
      for (size_t w = 0; w < words; ++w) t[w] = i < 6 ? PROJ[i] : ((w >> (i - 6)) & 1 ? ~uint64_t(0) : 0);
      stamp_[leaves_[i]] = epoch_;
      index_[leaves_[i]] = static_cast<uint32_t>(i);
    }
    for (size_t j = inner_.size(); j-- > 0;) {  // increasing variable order
      uint32_t v = inner_[j];
      size_t at = k + (inner_.size() - 1 - j);
      const uint64_t *p = table(g.fanin0[v] >> 1, words), *q = table(g.fanin1[v] >> 1, words);
      uint64_t mp = mask_of(g.fanin0[v]), mq = mask_of(g.fanin1[v]), *t = &tt_[at * words];
      for (size_t w = 0; w < words; ++w) t[w] = (p[w] ^ mp) & (q[w] ^ mq);
      stamp_[v] = epoch_;
      index_[v] = static_cast<uint32_t>(at);
    }
    const uint64_t *tx = table(x >> 1, words), *ty = table(y >> 1, words);
    uint64_t m = mask_of(x) ^ mask_of(y);
    for (size_t w = 0; w < words; ++w)
      if ((tx[w] ^ ty[w]) != m) return false;
    return true;
  }

 private:
  static constexpr size_t MAX_INNER = 256;
  std::vector<uint32_t> leaves_, inner_, cut_, stamp_, index_;
  std::vector<uint64_t> tt_, zeros_;
  uint32_t epoch_ = 0;

  bool is_leaf(uint32_t v) const { return stamp_[v] == epoch_; }
  void add_leaf(uint32_t v) {
    if (v == 0 || is_leaf(v)) return;  // the constant is no leaf: its table is zeros
    stamp_[v] = epoch_;
    leaves_.push_back(v);
  }
  const uint64_t* table(uint32_t v, size_t words) {
    return v == 0 ? zeros_.data() : &tt_[static_cast<size_t>(index_[v]) * words];
  }
};

// Simulate `words` 64-pattern words of every variable: values[v * words + k].
// Input words come from `inputs` ([num_inputs * words], same layout).
void simulate(const Aig& g, const uint64_t* inputs, size_t words, std::vector<uint64_t>& values) {
  values.assign(static_cast<size_t>(g.num_vars()) * words, 0);
  std::copy(inputs, inputs + static_cast<size_t>(g.num_inputs) * words, values.begin() + words);
  for (uint32_t v = g.num_inputs + 1; v < g.num_vars(); ++v) {
    const uint64_t* a = &values[(g.fanin0[v] >> 1) * words];
    const uint64_t* b = &values[(g.fanin1[v] >> 1) * words];
    uint64_t ma = mask_of(g.fanin0[v]), mb = mask_of(g.fanin1[v]);
    uint64_t* out = &values[v * words];
    for (size_t k = 0; k < words; ++k) out[k] = (a[k] ^ ma) & (b[k] ^ mb);
  }
}

// Which variables the outputs depend on.
std::vector<char> output_cone(const Aig& g) {
  std::vector<char> in(g.num_vars(), 0);
  for (uint32_t o : g.outputs) in[o >> 1] = 1;
  for (uint32_t v = g.num_vars(); v-- > g.num_inputs + 1;) {
    if (!in[v]) continue;
    in[g.fanin0[v] >> 1] = 1;
    in[g.fanin1[v] >> 1] = 1;
  }
  return in;
}

// Candidate equivalence classes: variables whose simulated words are equal up to
// complement.  A row is normalized so that its first bit is 0 (flip); each class lists
// its members in increasing order and the first is the representative.
class Classes {
 public:
  Classes(const std::vector<uint64_t>& values, size_t words, const std::vector<char>& keep) {
    uint32_t n = static_cast<uint32_t>(keep.size());
    flip_.resize(n);
    of_.assign(n, NONE);
    std::vector<std::pair<uint64_t, uint32_t>> keyed;
    for (uint32_t v = 0; v < n; ++v) {
      if (!keep[v]) continue;
      const uint64_t* row = &values[v * words];
      flip_[v] = row[0] & 1u;
      uint64_t m = flip_[v] ? ~uint64_t(0) : 0, h = 0x243F6A8885A308D3ull;
      for (size_t k = 0; k < words; ++k) h = (h ^ (row[k] ^ m)) * 0x9E3779B97F4A7C15ull;
      keyed.emplace_back(h, v);
    }
    add_runs(keyed);
  }

  // The representative of v's class (v itself when it has none).
  uint32_t rep(uint32_t v) const { return of_[v] == NONE ? v : classes_[of_[v]][0]; }
  bool flip(uint32_t v) const { return flip_[v]; }
  size_t count() const { return live_; }

  // Split every class by one more simulated word per variable.
  void refine(const std::vector<uint64_t>& word) {
    size_t n = classes_.size();
    for (size_t c = 0; c < n; ++c) {
      auto& members = classes_[c];
      if (members.size() < 2) continue;
      auto val = [&](uint32_t m) { return word[m] ^ (flip_[m] ? ~uint64_t(0) : 0); };
      uint64_t first = val(members[0]);
      bool same = std::all_of(members.begin(), members.end(), [&](uint32_t m) { return val(m) == first; });
      if (same) continue;
      std::vector<std::pair<uint64_t, uint32_t>> keyed;
      for (uint32_t m : members) keyed.emplace_back(val(m), m);
      for (uint32_t m : members) of_[m] = NONE;
      members.clear();  // (add_runs may move classes_: `members` is not used after this)
      --live_;
      add_runs(keyed);
    }
  }

 private:
  std::vector<std::vector<uint32_t>> classes_;
  std::vector<uint32_t> of_;
  std::vector<char> flip_;
  size_t live_ = 0;

  // Sort (key, variable) pairs and make a class of every run of two or more equal keys,
  // its members in increasing order.
  void add_runs(std::vector<std::pair<uint64_t, uint32_t>>& keyed) {
    std::sort(keyed.begin(), keyed.end());
    for (size_t i = 0; i < keyed.size();) {
      size_t j = i;
      while (j < keyed.size() && keyed[j].first == keyed[i].first) ++j;
      if (j - i >= 2) {
        std::vector<uint32_t> members;
        for (size_t k = i; k < j; ++k) members.push_back(keyed[k].second);
        add(std::move(members));
      }
      i = j;
    }
  }

  void add(std::vector<uint32_t> members) {
    uint32_t id = static_cast<uint32_t>(classes_.size());
    for (uint32_t m : members) of_[m] = id;
    classes_.push_back(std::move(members));
    ++live_;
  }
};

}  // namespace

// ---- AIGs ------------------------------------------------------------------------
void Aig::validate() const {
  if (fanin1.size() != fanin0.size() || fanin0.size() < size_t(num_inputs) + 1)
    throw InputError("AIG: fanin arrays must cover the constant and every input");
  for (uint32_t v = num_inputs + 1; v < num_vars(); ++v)
    if ((fanin0[v] >> 1) >= v || (fanin1[v] >> 1) >= v)
      throw InputError("AIG: gate " + std::to_string(v) + " has a fanin that is not an earlier variable");
  for (uint32_t o : outputs)
    if ((o >> 1) >= num_vars()) throw InputError("AIG: output literal " + std::to_string(o) + " out of range");
}

AigBuilder::AigBuilder(uint32_t num_inputs) {
  aig_.num_inputs = num_inputs;
  aig_.fanin0.assign(num_inputs + 1, 0);
  aig_.fanin1.assign(num_inputs + 1, 0);
}

uint32_t AigBuilder::and_(uint32_t a, uint32_t b) {
  if (a == 0 || b == 0 || a == (b ^ 1u)) return 0;
  if (a == 1 || a == b) return b;
  if (b == 1) return a;
  auto it = table_.find(key(a, b));
  if (it != table_.end()) return it->second;
  uint32_t v = aig_.num_vars();
  aig_.fanin0.push_back(std::max(a, b));
  aig_.fanin1.push_back(std::min(a, b));
  table_.emplace(key(a, b), 2 * v);
  return 2 * v;
}

void AigBuilder::redirect(uint32_t a, uint32_t b, uint32_t lit) { table_[key(a, b)] = lit; }

Aig cleanup(const Aig& in) {
  std::vector<char> keep = output_cone(in);
  Aig out;
  out.num_inputs = in.num_inputs;
  std::vector<uint32_t> lit(in.num_vars(), 0);
  for (uint32_t v = 0; v <= in.num_inputs; ++v) lit[v] = 2 * v;
  out.fanin0.assign(in.num_inputs + 1, 0);
  out.fanin1.assign(in.num_inputs + 1, 0);
  for (uint32_t v = in.num_inputs + 1; v < in.num_vars(); ++v) {
    if (!keep[v]) continue;
    lit[v] = 2 * out.num_vars();
    out.fanin0.push_back(lit[in.fanin0[v] >> 1] ^ (in.fanin0[v] & 1u));
    out.fanin1.push_back(lit[in.fanin1[v] >> 1] ^ (in.fanin1[v] & 1u));
  }
  for (uint32_t o : in.outputs) out.outputs.push_back(lit[o >> 1] ^ (o & 1u));
  return out;
}

Aig build_miter(const Aig& a, const Aig& b, const std::vector<uint32_t>& in_perm,
                const std::vector<uint32_t>& out_perm) {
  if (a.num_inputs != b.num_inputs || in_perm.size() != a.num_inputs || out_perm.size() != a.outputs.size() ||
      b.outputs.size() != a.outputs.size())
    throw InputError("miter: the interfaces do not match");
  AigBuilder m(a.num_inputs);
  auto copy = [&](const Aig& g, const std::vector<uint32_t>& input_lit) {
    std::vector<uint32_t> lit(g.num_vars(), 0);
    for (uint32_t i = 1; i <= g.num_inputs; ++i) lit[i] = input_lit[i - 1];
    for (uint32_t v = g.num_inputs + 1; v < g.num_vars(); ++v)
      lit[v] = m.and_(lit[g.fanin0[v] >> 1] ^ (g.fanin0[v] & 1u), lit[g.fanin1[v] >> 1] ^ (g.fanin1[v] & 1u));
    std::vector<uint32_t> outs;
    for (uint32_t o : g.outputs) outs.push_back(lit[o >> 1] ^ (o & 1u));
    return outs;
  };
  std::vector<uint32_t> ins_a(a.num_inputs), ins_b(a.num_inputs);
  for (uint32_t k = 0; k < a.num_inputs; ++k) {
    if (in_perm[k] >= a.num_inputs) throw InputError("miter: input permutation out of range");
    ins_a[k] = 2 * (k + 1);
    ins_b[in_perm[k]] = 2 * (k + 1);
  }
  std::vector<uint32_t> oa = copy(a, ins_a), ob = copy(b, ins_b);
  for (size_t k = 0; k < oa.size(); ++k) {
    if (out_perm[k] >= ob.size()) throw InputError("miter: output permutation out of range");
    uint32_t x = oa[k], y = ob[out_perm[k]];
    m.aig().outputs.push_back(m.and_(m.and_(x, y ^ 1u) ^ 1u, m.and_(x ^ 1u, y) ^ 1u) ^ 1u);  // x XOR y
  }
  return m.aig();
}

std::vector<char> evaluate(const Aig& g, const std::vector<char>& inputs) {
  if (inputs.size() != g.num_inputs) throw InputError("evaluate: one value per input expected");
  std::vector<uint64_t> in(g.num_inputs), values;
  for (uint32_t i = 0; i < g.num_inputs; ++i) in[i] = inputs[i] ? 1u : 0u;
  simulate(g, in.data(), 1, values);
  std::vector<char> out;
  for (uint32_t o : g.outputs) out.push_back(static_cast<char>((values[o >> 1] ^ (o & 1u)) & 1u));
  return out;
}

// ---- cone solvers ------------------------------------------------------------------
ConeSolver::ConeSolver(const Aig& aig, const Options& engine_opts, bool phases)
    : aig_(aig), opts_(engine_opts), phases_(phases) {
  recycle();
}

void ConeSolver::recycle() {
  if (s_) {
    done_.conflicts += s_->stats.conflicts;
    done_.decisions += s_->stats.decisions;
    done_.propagations += s_->stats.propagations;
  }
  s_ = std::make_unique<Solver>();
  s_->opts = opts_;
  s_->opts.elim = 0;  // cones grow clause by clause between queries: nothing to preprocess,
  s_->opts.decompose = 0;  // and nothing to substitute away that a later query would name
  satvar_.assign(aig_.num_vars(), -1);
  inputs_.clear();
  calls_ = 0;
}

void ConeSolver::add_work(SweepStats& st) const {
  st.conflicts += done_.conflicts + s_->stats.conflicts;
  st.decisions += done_.decisions + s_->stats.decisions;
  st.propagations += done_.propagations + s_->stats.propagations;
}

Var ConeSolver::new_var() {
  Var v = s_->num_vars();
  s_->reserve_vars(v + 1);
  return v;
}

void ConeSolver::add_clause(std::initializer_list<Lit> lits) { s_->add_clause(lits.begin(), lits.size()); }

Lit ConeSolver::lit(uint32_t aig_lit) {
  if (satvar_.size() < aig_.num_vars()) satvar_.resize(aig_.num_vars(), -1);
  uint32_t root = aig_lit >> 1;
  if (satvar_[root] < 0) {
    stack_.assign(1, root);
    while (!stack_.empty()) {  // post-order: a gate after both of its fanins
      uint32_t v = stack_.back();
      if (satvar_[v] >= 0) {
        stack_.pop_back();
        continue;
      }
      if (aig_.is_and(v)) {
        uint32_t a = aig_.fanin0[v] >> 1, b = aig_.fanin1[v] >> 1;
        if (satvar_[a] < 0 || satvar_[b] < 0) {
          if (satvar_[a] < 0) stack_.push_back(a);
          if (satvar_[b] < 0) stack_.push_back(b);
          continue;
        }
      }
      stack_.pop_back();
      Var x = new_var();
      satvar_[v] = static_cast<int32_t>(x);
      Lit y = make_lit(x, false);
      if (phase_.size() < satvar_.size()) phase_.resize(satvar_.size(), 0);
      if (v == 0) {
        add_clause({neg(y)});
      } else if (!aig_.is_and(v)) {
        inputs_.push_back(v);
        phase_[v] = static_cast<char>((v * 0x9E3779B1u) >> 31);  // a fixed pseudo-random input pattern
      } else {
        // decisions start from a consistent circuit value (ABC sets SAT phases from simulation)
        phase_[v] = (phase_[aig_.fanin0[v] >> 1] ^ (aig_.fanin0[v] & 1u)) & (phase_[aig_.fanin1[v] >> 1] ^ (aig_.fanin1[v] & 1u));
        Lit a = make_lit(static_cast<Var>(satvar_[aig_.fanin0[v] >> 1]), aig_.fanin0[v] & 1u);
        Lit b = make_lit(static_cast<Var>(satvar_[aig_.fanin1[v] >> 1]), aig_.fanin1[v] & 1u);
        add_clause({neg(y), a});  // y -> a
        add_clause({neg(y), b});  // y -> b
        add_clause({y, neg(a), neg(b)});
      }
      if (phases_) s_->set_saved_phase(x, phase_[v]);
    }
  }
  return make_lit(static_cast<Var>(satvar_[root]), aig_lit & 1u);
}

Status ConeSolver::solve(const std::vector<Lit>& assumptions, int64_t conflicts, double seconds,
                         std::atomic<bool>* stop, int64_t propagations) {
  ++calls_;
  s_->conflict_budget = conflicts;
  s_->propagation_budget = propagations;
  s_->time_budget = seconds;
  if (stop->load()) return UNKNOWN;
  Status st = s_->solve(assumptions);
  if (st == UNKNOWN && s_->stop_reason() == Stop::INTERRUPT) stop->store(true);
  return st;
}

// ---- the sweeper -------------------------------------------------------------------
Sweeper::Sweeper(Aig aig, const SweepOptions& opts, const Options& engine_opts)
    : aig_(std::move(aig)), opts_(opts), engine_opts_(engine_opts) {
  aig_.validate();
  rng_ = 0x9E3779B97F4A7C15ull * (static_cast<uint64_t>(opts_.seed) + 1);
  stats_.ands_before = stats_.ands_after = aig_.num_ands();
}

void Sweeper::interrupt() { interrupt_.store(true); }

void Sweeper::set_deferred(std::vector<char> defer) {
  if (defer.size() != aig_.num_vars())
    throw InputError("deferred: one flag per AIG variable expected (" + std::to_string(aig_.num_vars()) + "), got " +
                     std::to_string(defer.size()));
  defer_ = std::move(defer);
}

uint64_t Sweeper::random() {  // splitmix64
  uint64_t z = (rng_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

double Sweeper::seconds_left() const {
  if (!has_deadline_) return -1;
  double left = std::chrono::duration<double>(deadline_ - std::chrono::steady_clock::now()).count();
  return std::max(left, 0.0);
}

bool Sweeper::stopped() {
  if (stop_ != Stop::NONE) return true;
  if (interrupt_.load()) stop_ = Stop::INTERRUPT;
  else if (has_deadline_ && std::chrono::steady_clock::now() >= deadline_) stop_ = Stop::TIME;
  return stop_ != Stop::NONE;
}

// The last model's input values; inputs outside the loaded cones get random values.
Status Sweeper::take_model(ConeSolver& cs) {
  cex_.assign(aig_.num_inputs, 0);
  for (uint32_t i = 1; i <= aig_.num_inputs; ++i)
    cex_[i - 1] = cs.input_loaded(i) ? cs.input_value(i) : static_cast<char>(random() & 1u);
  return SAT;
}

// Random simulation of the outputs: a pattern that sets one is a counterexample.
Status Sweeper::simulate_outputs() {
  auto t0 = std::chrono::steady_clock::now();
  size_t words = static_cast<size_t>(opts_.sim_words);
  std::vector<uint64_t> in(static_cast<size_t>(aig_.num_inputs) * words), values;
  for (auto& w : in) w = random();
  simulate(aig_, in.data(), words, values);
  stats_.time_sim += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  for (uint32_t o : aig_.outputs) {
    for (size_t k = 0; k < words; ++k) {
      uint64_t w = values[(o >> 1) * words + k] ^ mask_of(o);
      if (!w) continue;
      int bit = __builtin_ctzll(w);
      cex_.assign(aig_.num_inputs, 0);
      for (uint32_t i = 0; i < aig_.num_inputs; ++i) cex_[i] = (in[i * words + k] >> bit) & 1u;
      return SAT;
    }
  }
  return UNKNOWN;
}

// One query per output not yet constant 0 whose cone has at most max_cone nodes, cheapest
// cone first; proven outputs become constant 0.  SAT on a counterexample; UNSAT when every output is proven.
Status Sweeper::check_outputs(int64_t conflicts, uint32_t max_cone) {
  auto t0 = std::chrono::steady_clock::now();
  std::vector<uint32_t> size(aig_.outputs.size(), 0), stamp(aig_.num_vars(), 0), stack;
  for (size_t k = 0; k < aig_.outputs.size(); ++k) {  // cone size of each output
    stack.assign(1, aig_.outputs[k] >> 1);
    while (!stack.empty()) {
      uint32_t v = stack.back();
      stack.pop_back();
      if (stamp[v] == k + 1) continue;
      stamp[v] = static_cast<uint32_t>(k + 1);
      ++size[k];
      if (aig_.is_and(v)) stack.insert(stack.end(), {aig_.fanin0[v] >> 1, aig_.fanin1[v] >> 1});
    }
  }
  std::vector<size_t> order(aig_.outputs.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) { return size[x] < size[y]; });
  ConeSolver cs(aig_, engine_opts_, opts_.sim_phases);
  Status result = UNSAT;
  uint64_t left = 0;
  for (uint32_t o : aig_.outputs) left += o != 0;
  progress.outputs_left.store(left);
  for (size_t k : order) {
    uint32_t o = aig_.outputs[k];
    if (o == 0) continue;
    if (size[k] > max_cone) {  // left to sweeping (cones are sorted: so is every later one)
      result = UNKNOWN;
      break;
    }
    if (o == 1) {  // constant 1: every input pattern differs
      cex_.assign(aig_.num_inputs, 0);
      result = SAT;
      break;
    }
    if (stopped()) {
      result = UNKNOWN;
      break;
    }
    Status st = cs.solve({cs.lit(o)}, conflicts, seconds_left(), &interrupt_);
    ++stats_.sat_calls;
    if (st == SAT) {
      result = take_model(cs);
      break;
    }
    if (st == UNSAT) {
      aig_.outputs[k] = 0;
      ++stats_.outputs_proved;
      progress.outputs_left.store(--left);
      cs.add_clause({neg(cs.lit(o))});
    } else {
      result = UNKNOWN;
    }
  }
  cs.add_work(stats_);
  stats_.time_sat += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (result != SAT) aig_ = cleanup(aig_);
  return result;
}

// One sweeping round over aig_ (see sweep.hpp).  Replaces aig_ by the reduced AIG.
// *weak is set when the round proved few of its candidates.
Status Sweeper::fraig_round(int64_t conflicts, bool* weak, bool stop_at_difference) {
  auto t0 = std::chrono::steady_clock::now();
  const Aig& in = aig_;
  size_t words = static_cast<size_t>(opts_.sim_words);
  // at most 2^26 words (512 MiB) of simulation values
  words = std::max<size_t>(1, std::min<size_t>(words, (size_t(1) << 26) / std::max<uint32_t>(in.num_vars(), 1)));
  std::vector<uint64_t> pats(static_cast<size_t>(in.num_inputs) * words), values;
  // pats[i * words + k]: word k of input i.  Word k of every input has P(1) = 1/2, 1/4 or
  // 3/4 by k mod 3, so that gates which are almost never 1 (or 0) under uniform inputs,
  // such as wide ANDs, still show their other value in some pattern
  for (uint32_t i = 0; i < in.num_inputs; ++i)
    for (size_t k = 0; k < words; ++k) {
      uint64_t w = random();
      if (k % 3 == 1) w &= random();
      if (k % 3 == 2) w |= random();
      pats[i * words + k] = w;
    }
  simulate(in, pats.data(), words, values);
  std::vector<char> keep = output_cone(in);
  keep[0] = 1;  // the constant: a gate simulation never saw switch is its candidate, not another such gate's
  Classes classes(values, words, keep);
  values.clear();
  values.shrink_to_fit();
  stats_.classes += classes.count();
  stats_.time_sim += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  AigBuilder b(in.num_inputs);
  ConeSolver cs(b.aig(), engine_opts_, opts_.sim_phases);
  std::vector<uint32_t> map(in.num_vars(), 0);  // literal in the new AIG of each old variable
  for (uint32_t v = 0; v <= in.num_inputs; ++v) map[v] = 2 * v;
  auto mapped = [&](uint32_t lit) { return map[lit >> 1] ^ (lit & 1u); };
  std::vector<uint64_t> word(in.num_vars()), pattern(in.num_inputs);
  uint64_t queries = 0, proofs = 0, deferred = 0;
  CutCheck cut;
  // on a deep cone of a large miter, a query's conflict budget can take most of a second:
  // the propagation budget keeps an undecided query about as cheap as a proof
  const int64_t props = opts_.query_propagations > 0 && conflicts < (int64_t(1) << 40) / opts_.query_propagations
                            ? conflicts * opts_.query_propagations
                            : -1;
  progress.total.store(in.num_vars());
  Status result = UNKNOWN;
  const bool guided = !swept_ && !defer_.empty();  // defer_ numbers the first round's AIG
  // auto: a ring of the last stall_queries SAT answers (1: decided); when under
  // weak_percent of them decided, the round's other candidates get cut checks only
  const size_t ring = opts_.mode == 1 && stop_at_difference ? static_cast<size_t>(opts_.stall_queries) : 0;
  std::vector<char> recent(ring, 1);
  size_t recent_at = 0, recent_decided = ring;
  bool stalled = false;
  auto record = [&](bool decided) {
    if (ring == 0) return;
    recent_decided += static_cast<size_t>(decided) - static_cast<size_t>(recent[recent_at]);
    recent[recent_at] = decided;
    recent_at = (recent_at + 1) % ring;
    stalled = recent_decided * 100 < static_cast<size_t>(opts_.weak_percent) * ring;
  };
  for (uint32_t v = in.num_inputs + 1; v < in.num_vars() && result == UNKNOWN; ++v) {
    progress.done.store(v);
    if (!keep[v]) continue;
    uint32_t a = mapped(in.fanin0[v]), c = mapped(in.fanin1[v]);
    uint32_t n = b.and_(a, c);
    map[v] = n;
    for (uint32_t r = classes.rep(v); r != v; r = classes.rep(v)) {
      uint32_t target = map[r] ^ static_cast<uint32_t>(classes.flip(v) != classes.flip(r));
      ++stats_.candidates;
      if (n == target) {
        ++stats_.structural;
        break;
      }
      if (stopped()) {
        stats_.complete = false;
        break;
      }
      if (guided && defer_[v]) {  // judged unlikely to hold: left to the later rounds
        ++stats_.deferred;
        ++deferred;
        break;
      }
      if (opts_.cut_leaves > 0 && cut.equal(b.aig(), n, target, static_cast<uint32_t>(opts_.cut_leaves))) {
        b.redirect(a, c, target);  // proved by truth tables over a cut: no SAT query
        map[v] = target;
        ++stats_.proved;
        ++stats_.cut_proved;
        progress.proved.fetch_add(1);
        break;
      }
      if (stalled) {  // SAT stopped deciding: the final check sees what is left
        ++stats_.stalled;
        break;
      }
      if (cs.vars() > static_cast<uint32_t>(opts_.recycle_vars) &&
          cs.calls() >= static_cast<uint64_t>(opts_.recycle_calls)) {
        cs.recycle();
        ++stats_.recycles;
      }
      ++queries;
      Lit x = cs.lit(n), y = cs.lit(target);
      Status st = cs.solve({x, neg(y)}, conflicts, seconds_left(), &interrupt_, props);
      if (st == UNSAT) {
        cs.add_clause({neg(x), y});
        st = cs.solve({neg(x), y}, conflicts, seconds_left(), &interrupt_, props);
      }
      stats_.sat_calls += 2;
      record(st != UNKNOWN);
      if (st == UNSAT) {  // proved: v is r (with polarity)
        cs.add_clause({x, neg(y)});
        b.redirect(a, c, target);
        map[v] = target;
        ++stats_.proved;
        ++proofs;
        progress.proved.fetch_add(1);
        break;
      }
      if (st == UNKNOWN) {
        ++stats_.undecided;
        progress.undecided.fetch_add(1);
        break;
      }
      // a counterexample: bit 0 is the model, bit k flips the k-th loaded input
      ++stats_.refuted;
      ++stats_.counterexamples;
      progress.refuted.fetch_add(1);
      take_model(cs);
      const auto& loaded = cs.loaded_inputs();
      std::vector<uint32_t> flips(loaded);
      for (size_t i = flips.size(); i > 1; --i) std::swap(flips[i - 1], flips[random() % i]);
      for (uint32_t i = 0; i < in.num_inputs; ++i) pattern[i] = cex_[i] ? ~uint64_t(0) : 0;
      for (size_t k = 0; k < flips.size() && k < 63; ++k) pattern[flips[k] - 1] ^= uint64_t(2) << k;
      auto ts = std::chrono::steady_clock::now();
      simulate(in, pattern.data(), 1, word);
      classes.refine(word);
      stats_.time_sim += std::chrono::duration<double>(std::chrono::steady_clock::now() - ts).count();
      // a counterexample that also sets an output settles the whole check
      if (stop_at_difference)
        for (uint32_t o : in.outputs)
          if ((word[o >> 1] ^ mask_of(o)) & 1u) result = SAT;
    }
  }
  cs.add_work(stats_);
  // weak: SAT proved few of its queries, so larger budgets in a later round would mostly
  // buy undecided answers (cut proofs do not count: a later round finds the same ones);
  // a round whose candidates were all deferred says nothing about internal equivalences
  *weak = stalled || (queries == 0 ? deferred == 0 : proofs * 100 < static_cast<uint64_t>(opts_.weak_percent) * queries);
  if (result == SAT) return SAT;  // cex_ holds it (bit 0 of the last pattern)
  for (uint32_t o : in.outputs) b.aig().outputs.push_back(mapped(o));
  aig_ = cleanup(b.aig());
  swept_ = true;
  stats_.ands_after = aig_.num_ands();
  stats_.time_sat += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return UNKNOWN;
}

Status Sweeper::sweep_once(int64_t conflicts, double seconds) {
  auto t0 = std::chrono::steady_clock::now();
  has_deadline_ = seconds >= 0;
  if (has_deadline_) deadline_ = t0 + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                          std::chrono::duration<double>(seconds));
  bool weak = false;
  Status st = fraig_round(conflicts, &weak, false);
  ++stats_.rounds;
  stats_.time_total += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return st;
}

Status Sweeper::run(double seconds) {
  auto t0 = std::chrono::steady_clock::now();
  has_deadline_ = seconds >= 0;
  if (has_deadline_) deadline_ = t0 + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                          std::chrono::duration<double>(seconds));
  auto finish = [&](Status st) {
    stats_.time_total += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    stats_.ands_after = aig_.num_ands();
    if (st == UNKNOWN) stats_.complete = false;
    return st;
  };
  // bug hunting: simulation, then a short query per output
  Status st = simulate_outputs();
  if (st == UNKNOWN && opts_.bughunt_conflicts > 0) {
    st = check_outputs(opts_.bughunt_conflicts, static_cast<uint32_t>(opts_.bughunt_cone));
    stats_.bughunt_calls = stats_.sat_calls;
  }
  int64_t query = opts_.query_conflicts, output = opts_.output_conflicts;
  for (int64_t round = 0; st == UNKNOWN && !stopped(); ++round) {
    bool last = round >= opts_.rounds;
    if (!last) {
      progress.round.store(static_cast<uint64_t>(round) + 1);
      bool weak = false;
      st = fraig_round(query, &weak, true);
      ++stats_.rounds;
      if (st != UNKNOWN || stopped()) break;
      last = weak && opts_.mode == 1;
    }
    if (last && !opts_.final) break;  // the caller decides what is left
    st = check_outputs(last ? -1 : output, UINT32_MAX);
    if (last) break;
    query = std::min<int64_t>(query * opts_.growth, int64_t(1) << 40);
    output = std::min<int64_t>(output * opts_.growth, int64_t(1) << 40);
  }
  return finish(st);
}

}  // namespace cl
