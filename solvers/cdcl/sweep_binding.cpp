// Python binding of the sweeper (part of circuitlab.solvers._cdcl): an AIG crosses as
// flat numpy arrays (AIGER numbering), options as dicts of integers, and run() releases
// the GIL so that another thread can read progress() or call interrupt().
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cmath>
#include <string>

#include "sweep.hpp"

namespace py = pybind11;

namespace {

using U32Array = py::array_t<uint32_t, py::array::c_style | py::array::forcecast>;

template <class S>
S options_from(const py::dict& given, const char* what) {
  S o;
  for (auto item : given) {
    std::string name = py::cast<std::string>(item.first);
    int64_t value = py::cast<int64_t>(item.second);
    const char* why = "";
    if (!cl::set_option(o, name.c_str(), value, &why))
      throw py::value_error(std::string(what) + " option " + name + "=" + std::to_string(value) + ": " + why);
  }
  return o;
}

cl::Aig aig_from(uint32_t num_inputs, const U32Array& ands, const U32Array& outputs) {
  if (ands.ndim() != 2 || ands.shape(1) != 2) throw py::value_error("ands: a [num_ands, 2] array expected");
  if (outputs.ndim() != 1) throw py::value_error("outputs: a 1-D array expected");
  cl::Aig g;
  g.num_inputs = num_inputs;
  g.fanin0.assign(num_inputs + 1, 0);
  g.fanin1.assign(num_inputs + 1, 0);
  auto a = ands.unchecked<2>();
  for (py::ssize_t i = 0; i < a.shape(0); ++i) {
    g.fanin0.push_back(a(i, 0));
    g.fanin1.push_back(a(i, 1));
  }
  auto o = outputs.unchecked<1>();
  for (py::ssize_t i = 0; i < o.shape(0); ++i) g.outputs.push_back(o(i));
  return g;
}

py::tuple aig_arrays(const cl::Aig& g) {
  py::array_t<uint32_t> ands({static_cast<py::ssize_t>(g.num_ands()), py::ssize_t(2)});
  auto a = ands.mutable_unchecked<2>();
  for (uint32_t v = g.num_inputs + 1, i = 0; v < g.num_vars(); ++v, ++i) {
    a(i, 0) = g.fanin0[v];
    a(i, 1) = g.fanin1[v];
  }
  py::array_t<uint32_t> outs(static_cast<py::ssize_t>(g.outputs.size()));
  auto o = outs.mutable_unchecked<1>();
  for (size_t i = 0; i < g.outputs.size(); ++i) o(static_cast<py::ssize_t>(i)) = g.outputs[i];
  return py::make_tuple(g.num_inputs, ands, outs);
}

cl::Aig checked_aig(uint32_t num_inputs, const U32Array& ands, const U32Array& outputs) {
  cl::Aig g = aig_from(num_inputs, ands, outputs);
  g.validate();
  return g;
}

py::tuple miter(uint32_t num_inputs, const U32Array& ands_a, const U32Array& outs_a, const U32Array& ands_b,
                const U32Array& outs_b, const std::vector<uint32_t>& in_perm, const std::vector<uint32_t>& out_perm) {
  cl::Aig a = checked_aig(num_inputs, ands_a, outs_a), b = checked_aig(num_inputs, ands_b, outs_b);
  return aig_arrays(cl::build_miter(a, b, in_perm, out_perm));
}

py::array_t<int8_t> evaluate(uint32_t num_inputs, const U32Array& ands, const U32Array& outputs,
                             const py::array_t<int8_t, py::array::c_style | py::array::forcecast>& inputs) {
  cl::Aig g = checked_aig(num_inputs, ands, outputs);
  if (inputs.ndim() != 1) throw py::value_error("evaluate: a 1-D input vector expected");
  std::vector<char> in(inputs.data(), inputs.data() + inputs.shape(0));
  std::vector<char> out = cl::evaluate(g, in);
  py::array_t<int8_t> res(static_cast<py::ssize_t>(out.size()));
  std::copy(out.begin(), out.end(), res.mutable_data());
  return res;
}

class PySweeper {
 public:
  PySweeper(uint32_t num_inputs, const U32Array& ands, const U32Array& outputs, const py::dict& options,
            const py::dict& engine_options)
      : sw_(aig_from(num_inputs, ands, outputs), options_from<cl::SweepOptions>(options, "sweep"),
            options_from<cl::Options>(engine_options, "engine")) {}

  int run(double seconds) {
    if (std::isnan(seconds)) throw py::value_error("time limit is NaN");
    py::gil_scoped_release nogil;
    return sw_.run(seconds);
  }

  int sweep_once(int64_t conflicts, double seconds) {
    if (std::isnan(seconds)) throw py::value_error("time limit is NaN");
    py::gil_scoped_release nogil;
    return sw_.sweep_once(conflicts, seconds);
  }

  void interrupt() { sw_.interrupt(); }

  void set_deferred(const py::array_t<int8_t, py::array::c_style | py::array::forcecast>& flags) {
    if (flags.ndim() != 1) throw py::value_error("deferred: a 1-D array of flags expected");
    sw_.set_deferred(std::vector<char>(flags.data(), flags.data() + flags.shape(0)));
  }

  py::array_t<int8_t> counterexample() const {
    const auto& c = sw_.counterexample();
    py::array_t<int8_t> out(static_cast<py::ssize_t>(c.size()));
    auto m = out.mutable_unchecked<1>();
    for (size_t i = 0; i < c.size(); ++i) m(static_cast<py::ssize_t>(i)) = c[i] ? 1 : 0;
    return out;
  }

  // The current (reduced) AIG: (num_inputs, ands [K, 2], outputs [O]).
  py::tuple current() const { return aig_arrays(sw_.current()); }

  std::string stop_reason() const {
    switch (sw_.stop_reason()) {
      case cl::Stop::TIME: return "timeout";
      case cl::Stop::INTERRUPT: return "interrupted";
      default: return "";
    }
  }

  py::dict stats() const {
    const cl::SweepStats& s = sw_.stats();
    py::dict d;
    d["rounds"] = s.rounds;
    d["candidates"] = s.candidates;
    d["proved"] = s.proved;
    d["cut_proved"] = s.cut_proved;
    d["structural"] = s.structural;
    d["refuted"] = s.refuted;
    d["undecided"] = s.undecided;
    d["counterexamples"] = s.counterexamples;
    d["sat_calls"] = s.sat_calls;
    d["conflicts"] = s.conflicts;
    d["decisions"] = s.decisions;
    d["propagations"] = s.propagations;
    d["recycles"] = s.recycles;
    d["outputs_proved"] = s.outputs_proved;
    d["bughunt_calls"] = s.bughunt_calls;
    d["deferred"] = s.deferred;
    d["stalled"] = s.stalled;
    d["classes"] = s.classes;
    d["ands_before"] = s.ands_before;
    d["ands_after"] = s.ands_after;
    d["time_sim"] = s.time_sim;
    d["time_sat"] = s.time_sat;
    d["time_total"] = s.time_total;
    d["complete"] = s.complete;
    return d;
  }

  py::dict progress() const {
    const cl::SweepProgress& p = sw_.progress;
    py::dict d;
    d["round"] = p.round.load();
    d["done"] = p.done.load();
    d["total"] = p.total.load();
    d["proved"] = p.proved.load();
    d["refuted"] = p.refuted.load();
    d["undecided"] = p.undecided.load();
    d["outputs_left"] = p.outputs_left.load();
    return d;
  }

 private:
  cl::Sweeper sw_;
};

}  // namespace

void bind_sweeper(py::module_& m) {
  m.def("miter", &miter, "per-output miter of two AIGs given as arrays: (num_inputs, ands, outputs)");
  m.def("evaluate", &evaluate, "output values of an AIG given as arrays under one input vector");
  py::class_<PySweeper>(m, "Sweeper")
      .def(py::init<uint32_t, const U32Array&, const U32Array&, const py::dict&, const py::dict&>(),
           py::arg("num_inputs"), py::arg("ands"), py::arg("outputs"), py::arg("options") = py::dict(),
           py::arg("engine_options") = py::dict())
      .def("run", &PySweeper::run, py::arg("seconds") = -1.0)
      .def("sweep_once", &PySweeper::sweep_once, py::arg("conflicts"), py::arg("seconds") = -1.0)
      .def("interrupt", &PySweeper::interrupt)
      .def("set_deferred", &PySweeper::set_deferred, py::arg("flags"))
      .def("counterexample", &PySweeper::counterexample)
      .def("current", &PySweeper::current)
      .def_property_readonly("stop_reason", &PySweeper::stop_reason)
      .def("stats", &PySweeper::stats)
      .def("progress", &PySweeper::progress);
}
