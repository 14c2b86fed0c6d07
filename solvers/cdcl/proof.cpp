// DRAT proof output (Wetzler, Heule, Hunt, SAT 2014), in the text format: every learned
// clause is added ("1 -2 0"), every deleted clause removed ("d 1 -2 0"), and a
// refutation ends with the empty clause ("0").  The proof goes to a file, or stays in
// memory for the caller to take.  Level-0 units are logged before the clauses that
// were their reasons are deleted, so checkers never lose a propagated unit.
#include "solver.hpp"

namespace cl {

void Solver::enable_proof(const std::string& path) {
  if (proof_file_) std::fclose(proof_file_);
  proof_file_ = nullptr;
  proof_buf_.clear();
  proof_error_ = false;
  if (!path.empty()) {
    proof_file_ = std::fopen(path.c_str(), "w");
    if (!proof_file_) throw InputError("cannot open the proof file for writing");
  }
  proof_on_ = true;
}

std::string Solver::take_proof() {
  if (proof_file_ && std::fflush(proof_file_) != 0) proof_error_ = true;
  std::string out;
  out.swap(proof_buf_);
  return out;
}

void Solver::proof_write_clause(const Lit* lits, size_t n, bool deletion) {
  char buf[24];
  std::string line;
  if (deletion) line += "d ";
  for (size_t i = 0; i < n; ++i) {
    long long x = static_cast<long long>(var_of(lits[i])) + 1;
    if (lits[i] & 1u) x = -x;
    int k = std::snprintf(buf, sizeof buf, "%lld ", x);
    line.append(buf, static_cast<size_t>(k));
  }
  line += "0\n";
  if (proof_file_) {
    if (std::fwrite(line.data(), 1, line.size(), proof_file_) != line.size()) proof_error_ = true;
  } else {
    proof_buf_ += line;
  }
}

void Solver::proof_add(const Lit* lits, size_t n) {
  if (proof_on_) proof_write_clause(lits, n, false);
}

void Solver::proof_delete(const Lit* lits, size_t n) {
  if (proof_on_) proof_write_clause(lits, n, true);
}

void Solver::proof_unit(Lit l) {
  if (!proof_on_ || unit_logged_[var_of(l)]) return;
  unit_logged_[var_of(l)] = 1;
  if (reason_[var_of(l)] != NO_REF) proof_add(&l, 1);
}

Solver::~Solver() {
  if (proof_file_) std::fclose(proof_file_);
}

}  // namespace cl
