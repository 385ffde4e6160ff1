#include "nnadc/spice/lint.h"

#include "nnadc/core/error.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <regex>
#include <set>
#include <sstream>

namespace nnadc::spice {

namespace {

struct LogicalLine {
  std::string text;
  int line = 0;
};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Lines with continuations joined and comments removed; the title (line 1) is dropped.
std::vector<LogicalLine> logicalLines(const std::string& deck) {
  std::vector<LogicalLine> out;
  std::istringstream in(deck);
  std::string raw;
  int number = 0;
  bool control = false;
  while (std::getline(in, raw)) {
    ++number;
    if (number == 1) continue;  // the title
    if (!raw.empty() && raw.back() == '\r') raw.pop_back();
    std::string s = lower(raw);
    const auto first = s.find_first_not_of(" \t");
    if (first == std::string::npos) continue;
    s = s.substr(first);
    if (s[0] == '*') continue;
    for (const char* mark : {";", " $ ", "\t$ "}) {
      const auto p = s.find(mark);
      if (p != std::string::npos) s.erase(p);
    }
    if (s.rfind(".control", 0) == 0) control = true;
    if (control) {
      if (s.rfind(".endc", 0) == 0) control = false;
      // Kept only for the vectors it probes (print v(out), ...).
      out.push_back({".probe " + s, number});
      continue;
    }
    if (s[0] == '+') {
      if (!out.empty()) out.back().text += " " + s.substr(1);
      continue;
    }
    out.push_back({s, number});
  }
  return out;
}

std::vector<std::string> tokens(const std::string& s) {
  std::vector<std::string> t;
  std::istringstream in(s);
  std::string w;
  while (in >> w) t.push_back(w);
  return t;
}

struct Scope {
  std::string name;
  std::set<std::string> ports;
  std::map<std::string, int> uses;
  std::map<std::string, int> first_line;
  std::vector<std::string> order;
  std::set<std::string> sourced;  // a terminal of a voltage source: the voltage is defined
  void use(const std::string& node, int line) {
    if (node.empty()) return;
    if (uses[node]++ == 0) {
      first_line[node] = line;
      order.push_back(node);
    }
  }
};

void close(const Scope& scope, std::vector<DanglingNode>& out) {
  for (const std::string& node : scope.order) {
    if (node == "0" || scope.ports.count(node) != 0 || scope.sourced.count(node) != 0) continue;
    if (scope.uses.at(node) == 1) out.push_back({node, scope.name, scope.first_line.at(node)});
  }
}

// Nodes read by behavioural expressions: v(a), v(a,b), v(a, b).
void expressionUses(const std::string& text, Scope& scope, int line) {
  static const std::regex probe(R"(\bv\(\s*([^,()\s]+)\s*(?:,\s*([^,()\s]+)\s*)?\))");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), probe);
       it != std::sregex_iterator(); ++it) {
    scope.use((*it)[1].str(), line);
    if ((*it)[2].matched) scope.use((*it)[2].str(), line);
  }
}

bool isKeyword(const std::string& t) {
  return t.find('=') != std::string::npos || t.find('{') != std::string::npos || t == "value" ||
         t == "table" || t == "poly" || t.rfind("poly(", 0) == 0 || t == "vol" || t == "cur";
}

}  // namespace

std::vector<DanglingNode> danglingNodes(const std::string& deck) {
  std::vector<DanglingNode> out;
  std::vector<Scope> scopes(1);
  for (const LogicalLine& l : logicalLines(deck)) {
    const std::vector<std::string> t = tokens(l.text);
    if (t.empty()) continue;
    Scope& scope = scopes.back();
    const std::string& head = t[0];
    if (head[0] == '.') {
      if (head == ".subckt" && t.size() >= 2) {
        Scope sub;
        sub.name = t[1];
        for (std::size_t i = 2; i < t.size() && t[i].find('=') == std::string::npos; ++i) {
          if (t[i] != "params:") sub.ports.insert(t[i]);
        }
        scopes.push_back(std::move(sub));
      } else if (head == ".ends" && scopes.size() > 1) {
        close(scopes.back(), out);
        scopes.pop_back();
      } else if (head == ".save" || head == ".print" || head == ".probe" || head == ".plot" ||
                 head == ".meas" || head == ".measure") {
        // A node only one device drives but the deck observes is an output, not a dangling end.
        expressionUses(l.text, scopes.front(), l.line);
        expressionUses(l.text, scope, l.line);
      }
      continue;
    }
    std::size_t nodes = 0;
    switch (head[0]) {
      case 'r':
      case 'c':
      case 'l':
      case 'v':
      case 'i':
      case 'd':
      case 'f':
      case 'h':
      case 'w':
        nodes = 2;
        break;
      case 'b':
        nodes = 2;
        expressionUses(l.text, scope, l.line);
        break;
      case 'e':
      case 'g':
        // Linear: n+ n- nc+ nc- gain; behavioural forms: n+ n- VALUE={...} / TABLE / POLY / vol=.
        nodes = t.size() >= 6 && !isKeyword(t[3]) && !isKeyword(t[4]) ? 4 : 2;
        expressionUses(l.text, scope, l.line);
        break;
      case 'q':
      case 'j':
        nodes = 3;
        break;
      case 'm':
      case 's':
        nodes = 4;
        break;
      case 'x': {
        // x<name> nodes... subckt [params]: the subcircuit is the last token without '='.
        std::size_t last = t.size() - 1;
        while (last > 1 && t[last].find('=') != std::string::npos) --last;
        if (last > 0 && t[last] == "params:") --last;
        nodes = last > 1 ? last - 1 : 0;
        break;
      }
      default:
        nodes = 0;  // K (coupling) and anything unknown: no node terminals counted
    }
    for (std::size_t i = 1; i <= nodes && i < t.size(); ++i) scope.use(t[i], l.line);
    // A node a voltage source sets is defined even when nothing else touches it (an unused
    // clock phase, say).
    const bool b_voltage = head[0] == 'b' && l.text.find(" i=") == std::string::npos &&
                           l.text.find(" i =") == std::string::npos;
    if ((head[0] == 'v' || head[0] == 'e' || head[0] == 'h' || b_voltage) && t.size() >= 3) {
      scope.sourced.insert(t[1]);
      scope.sourced.insert(t[2]);
    }
  }
  while (!scopes.empty()) {
    close(scopes.back(), out);
    scopes.pop_back();
  }
  return out;
}

void requireNoDanglingNodes(const std::string& deck, const std::string& deck_name) {
  const auto dangling = danglingNodes(deck);
  if (dangling.empty()) return;
  constexpr std::size_t kListed = 8;
  std::string list;
  for (std::size_t i = 0; i < dangling.size() && i < kListed; ++i) {
    const auto& d = dangling[i];
    list += std::string(i == 0 ? "" : "; ") + "'" + d.node + "'" +
            (d.scope.empty() ? "" : " in subcircuit " + d.scope) + " (line " +
            std::to_string(d.line) + ")";
  }
  if (dangling.size() > kListed) {
    list += "; and " + std::to_string(dangling.size() - kListed) + " more";
  }
  throw InputError("NNADC-NET-020",
                   "deck '" + deck_name + "': " + std::to_string(dangling.size()) +
                       " dangling node(s), touched by only one device terminal: " + list +
                       ". ngspice ran, solving them through its gmin shunt: their voltages "
                       "are meaningless and nothing was written; fix the netlist or pass "
                       "--allow-dangling");
}

}  // namespace nnadc::spice
