// Python binding of the engine (pybind11): circuitlab.solvers._cdcl.
//
// Literals cross as DIMACS integers; hook arrays are numpy arrays checked for length and
// copied in.  solve() releases the GIL, so another Python thread may call interrupt().
// Bad input raises ValueError, exhausted memory MemoryError; after a failed allocation
// inside the search the engine refuses further use (RuntimeError) instead of running
// on an inconsistent state.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <climits>
#include <cmath>
#include <string>

#include "solver.hpp"

namespace py = pybind11;

namespace {

class Engine {
 public:
  explicit Engine(int64_t num_vars) {
    if (num_vars < 0) throw py::value_error("num_vars must be non-negative");
    reserve(num_vars);
  }

  void reserve(int64_t n) {
    live();
    if (n < 0 || n > (INT_MAX >> 2)) throw py::value_error("variable count out of range: " + std::to_string(n));
    guarded([&] { s_.reserve_vars(static_cast<cl::Var>(n)); });
  }

  int64_t num_vars() const { return s_.num_vars(); }

  bool add_clause(py::iterable clause) {
    live();
    lits_.clear();
    for (auto item : clause) lits_.push_back(to_lit(py::cast<int64_t>(item), "clause"));
    bool ok = true;
    guarded([&] { ok = s_.add_clause(lits_.data(), lits_.size()); });
    return ok;
  }

  // Clauses as one flat array of DIMACS literals, each clause ended by 0.
  bool add_clauses(py::array_t<int64_t, py::array::c_style | py::array::forcecast> flat) {
    live();
    if (flat.ndim() != 1) throw py::value_error("add_clauses: a flat 1-D array of literals expected");
    auto a = flat.unchecked<1>();
    py::ssize_t n = a.shape(0);
    if (n > 0 && a(n - 1) != 0) throw py::value_error("add_clauses: the last clause is not terminated by 0");
    bool ok = true;
    lits_.clear();
    for (py::ssize_t i = 0; i < n; ++i) {
      int64_t x = a(i);
      if (x != 0) {
        lits_.push_back(to_lit(x, "add_clauses"));
        continue;
      }
      guarded([&] { ok = s_.add_clause(lits_.data(), lits_.size()) && ok; });
      lits_.clear();
    }
    return ok;
  }

  int solve(py::iterable assumptions, int64_t conflicts, int64_t propagations, double seconds,
            int64_t memory_bytes) {
    live();
    std::vector<cl::Lit> as;
    for (auto item : assumptions) as.push_back(to_lit(py::cast<int64_t>(item), "assumptions"));
    if (std::isnan(seconds)) throw py::value_error("time limit is NaN");
    s_.conflict_budget = conflicts;
    s_.propagation_budget = propagations;
    s_.time_budget = seconds;
    s_.memory_budget = memory_bytes;
    int status = 0;
    {
      py::gil_scoped_release nogil;
      guarded([&] { status = s_.solve(as); });
    }
    return status;
  }

  std::string stop_reason() const {
    switch (s_.stop_reason()) {
      case cl::Stop::CONFLICTS: return "conflicts";
      case cl::Stop::PROPAGATIONS: return "propagations";
      case cl::Stop::TIME: return "timeout";
      case cl::Stop::INTERRUPT: return "interrupted";
      case cl::Stop::MEMORY: return "memory";
      default: return "";
    }
  }

  // The last model as int8 per variable (1 true, 0 false).
  py::array_t<int8_t> model() const {
    py::array_t<int8_t> out(static_cast<py::ssize_t>(s_.num_vars()));
    auto m = out.mutable_unchecked<1>();
    for (cl::Var v = 0; v < s_.num_vars(); ++v) m(v) = s_.model_value(v) ? 1 : 0;
    return out;
  }

  std::vector<int64_t> failed() const {
    std::vector<int64_t> out;
    for (cl::Lit l : s_.failed()) out.push_back(to_dimacs(l));
    return out;
  }

  void interrupt() { s_.interrupt.store(true); }
  void clear_interrupt() { s_.interrupt.store(false); }

  void set_option(const std::string& name, int64_t value) {
    const char* why = "";
    if (!cl::set_option(s_.opts, name.c_str(), value, &why))
      throw py::value_error("engine option " + name + "=" + std::to_string(value) + ": " + why);
  }

  py::dict get_options() const {
    py::dict d;
#define CL_GET(nm, def, lo, hi, help) d[#nm] = s_.opts.nm;
    CL_OPTIONS(CL_GET)
#undef CL_GET
    return d;
  }

  void set_phases(py::array_t<int8_t, py::array::c_style | py::array::forcecast> phases) {
    live();
    if (phases.ndim() != 1) throw py::value_error("phases: a 1-D array expected");
    check_len(phases.shape(0), s_.num_vars(), "phases", "variable");
    s_.set_phases(phases.data(), static_cast<size_t>(phases.shape(0)));
  }

  void set_priorities(py::array_t<double, py::array::c_style | py::array::forcecast> prio) {
    live();
    if (prio.ndim() != 1) throw py::value_error("priorities: a 1-D array expected");
    check_len(prio.shape(0), s_.num_vars(), "priorities", "variable");
    s_.set_priorities(prio.data(), static_cast<size_t>(prio.shape(0)));
  }

  // Per-literal weights as a [num_vars, 2] array: column 0 the positive, 1 the negative literal.
  void set_filter_weights(py::array_t<float, py::array::c_style | py::array::forcecast> w) {
    live();
    if (w.ndim() != 2 || w.shape(1) != 2) throw py::value_error("filter weights: a [num_vars, 2] array expected");
    check_len(w.shape(0), s_.num_vars(), "filter weights", "variable");
    s_.set_filter_weights(w.data(), static_cast<size_t>(w.size()));
  }

  void enable_proof(const std::string& path) {
    live();
    guarded([&] { s_.enable_proof(path); });
  }

  py::bytes take_proof() {
    std::string p = s_.take_proof();
    if (s_.proof_failed()) throw py::value_error("writing the DRAT proof failed (disk full?)");
    return py::bytes(p);
  }

  py::dict stats() const {
    const cl::Stats& st = s_.stats;
    py::dict d;
    d["conflicts"] = st.conflicts;
    d["decisions"] = st.decisions;
    d["propagations"] = st.propagations;
    d["restarts"] = st.restarts;
    d["reused_trails"] = st.reused_trails;
    d["reductions"] = st.reductions;
    d["learned"] = st.learned;
    d["learned_literals"] = st.learned_literals;
    d["minimized_literals"] = st.minimized_literals;
    d["deleted"] = st.deleted;
    d["units"] = st.units;
    d["binaries"] = st.binaries;
    d["rephases"] = st.rephases;
    d["mode_switches"] = st.mode_switches;
    d["collections"] = st.collections;
    d["simplified"] = st.simplified;
    d["solves"] = st.solves;
    d["priority_decisions"] = st.priority_decisions;
    d["phase_decisions"] = st.phase_decisions;
    d["phases_followed"] = st.phases_followed;
    d["filter_kept"] = st.filter_kept;
    d["filter_dropped"] = st.filter_dropped;
    d["time_propagate"] = st.time_propagate;
    d["time_analyze"] = st.time_analyze;
    d["time_reduce"] = st.time_reduce;
    d["time_elim"] = st.time_elim;
    d["eliminated"] = st.eliminated;
    d["elim_resolvents"] = st.elim_resolvents;
    d["subsumed"] = st.subsumed;
    d["strengthened"] = st.strengthened;
    d["restored"] = st.restored;
    d["decompositions"] = st.decompositions;
    d["substituted"] = st.substituted;
    d["time_decompose"] = st.time_decompose;
    d["time_total"] = st.time_total;
    d["learnts_kept"] = s_.num_learnts();
    d["arena_bytes"] = s_.arena_bytes();
    return d;
  }

  std::vector<std::vector<int64_t>> learnt_clauses() const {
    std::vector<std::vector<int64_t>> out;
    for (const auto& c : s_.learnt_clauses()) {
      std::vector<int64_t> d;
      for (cl::Lit l : c) d.push_back(to_dimacs(l));
      out.push_back(std::move(d));
    }
    return out;
  }

  bool inconsistent() const { return s_.inconsistent(); }

 private:
  cl::Solver s_;
  std::vector<cl::Lit> lits_;
  bool broken_ = false;

  void live() const {
    if (broken_) throw std::runtime_error("the engine ran out of memory during a call and cannot be used again");
  }

  template <class F>
  void guarded(F&& f) {
    try {
      f();
    } catch (const std::bad_alloc&) {
      broken_ = true;
      throw;
    } catch (const std::length_error&) {
      broken_ = true;
      throw std::bad_alloc();
    }
  }

  cl::Lit to_lit(int64_t x, const char* what) const {
    if (x == 0) throw py::value_error(std::string(what) + ": 0 is not a literal (it ends a clause in DIMACS)");
    int64_t v = x < 0 ? -x : x;
    if (v > static_cast<int64_t>(s_.num_vars()))
      throw py::value_error(std::string(what) + ": literal " + std::to_string(x) + " is beyond the " +
                            std::to_string(s_.num_vars()) + " declared variables (call reserve() first)");
    return cl::make_lit(static_cast<cl::Var>(v - 1), x < 0);
  }

  static int64_t to_dimacs(cl::Lit l) {
    int64_t v = static_cast<int64_t>(cl::var_of(l)) + 1;
    return (l & 1u) ? -v : v;
  }

  static void check_len(py::ssize_t got, cl::Var want, const char* what, const char* per) {
    if (got != static_cast<py::ssize_t>(want))
      throw py::value_error(std::string(what) + ": one entry per " + per + " expected (" + std::to_string(want) +
                            "), got " + std::to_string(got));
  }
};

template <class S>
py::list option_table() {
  py::list out;
  for (const auto& row : cl::option_rows<S>())
    out.append(py::make_tuple(row.info.name, row.info.def, row.info.lo, row.info.hi, row.info.help));
  return out;
}

}  // namespace

void bind_sweeper(py::module_& m);  // sweep_binding.cpp
void bind_signals(py::module_& m);  // signals.cpp

PYBIND11_MODULE(_cdcl, m) {
  m.doc() = "circuitlab's CDCL engine (C++17); use circuitlab.solvers.engine";
  m.def("option_table", &option_table<cl::Options>, "(name, default, lowest, highest, help) for every engine option");
  m.def("sweep_option_table", &option_table<cl::SweepOptions>, "the same for every sweeping option");
  bind_signals(m);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const cl::InputError& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    }
  });
  py::class_<Engine>(m, "Engine")
      .def(py::init<int64_t>(), py::arg("num_vars") = 0)
      .def("reserve", &Engine::reserve, py::arg("num_vars"))
      .def_property_readonly("num_vars", &Engine::num_vars)
      .def("add_clause", &Engine::add_clause, py::arg("clause"))
      .def("add_clauses", &Engine::add_clauses, py::arg("flat"))
      .def("solve", &Engine::solve, py::arg("assumptions") = py::list(), py::arg("conflicts") = -1,
           py::arg("propagations") = -1, py::arg("seconds") = -1.0, py::arg("memory_bytes") = -1)
      .def_property_readonly("stop_reason", &Engine::stop_reason)
      .def("model", &Engine::model)
      .def("failed", &Engine::failed)
      .def("interrupt", &Engine::interrupt)
      .def("clear_interrupt", &Engine::clear_interrupt)
      .def("set_option", &Engine::set_option)
      .def("options", &Engine::get_options)
      .def("set_phases", &Engine::set_phases)
      .def("set_priorities", &Engine::set_priorities)
      .def("set_filter_weights", &Engine::set_filter_weights)
      .def("enable_proof", &Engine::enable_proof, py::arg("path") = "")
      .def("take_proof", &Engine::take_proof)
      .def("stats", &Engine::stats)
      .def("learnt_clauses", &Engine::learnt_clauses)
      .def_property_readonly("inconsistent", &Engine::inconsistent);
  bind_sweeper(m);
}
