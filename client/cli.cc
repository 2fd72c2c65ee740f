#include "client/cli.h"

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace candor::cli {
namespace {

const Option* FindOption(const std::vector<Option>& options,
                         absl::string_view name) {
  for (const Option& o : options) {
    if (o.name == name) return &o;
  }
  return nullptr;
}

void PrintUsage(const Command& c, std::ostream& out) {
  out << "usage: candor " << c.name << " " << c.usage << "\n\n"
      << c.synopsis << "\n";
  if (!c.options.empty()) out << "\noptions:\n";
  for (const Option& o : c.options) {
    std::string left = absl::StrCat("  --", o.name);
    if (!o.value_name.empty()) absl::StrAppend(&left, " ", o.value_name);
    out << left << std::string(left.size() < 28 ? 28 - left.size() : 1, ' ')
        << o.help << (o.repeated ? " (repeatable)" : "") << "\n";
  }
}

void PrintHelp(std::ostream& out) {
  out << "candor: make app data-sharing claims checkable.\n\n"
         "usage: candor <command> [options]\n\ncommands:\n";
  for (const Command& c : Commands()) {
    std::string left = absl::StrCat("  ", c.name);
    out << left << std::string(left.size() < 24 ? 24 - left.size() : 1, ' ')
        << c.synopsis << "\n";
  }
  out << "\n`candor help <command>` shows a command's options.\n"
         "Exit codes: 0 ok, 1 verification failed, 2 usage, input or "
         "connection error.\n";
}

}  // namespace

absl::StatusOr<Args> Args::Parse(const std::vector<std::string>& argv,
                                 const std::vector<Option>& options) {
  Args args;
  bool options_done = false;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (options_done || !absl::StartsWith(a, "--") || a == "-") {
      args.positional_.push_back(a);
      continue;
    }
    if (a == "--") {
      options_done = true;
      continue;
    }
    std::string name = a.substr(2);
    std::string value;
    bool has_value = false;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    const Option* option = FindOption(options, name);
    if (option == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("unknown option --", name));
    }
    if (option->value_name.empty()) {
      if (has_value) {
        return absl::InvalidArgumentError(
            absl::StrCat("--", name, " takes no value"));
      }
      value = "true";
    } else if (!has_value) {
      if (i + 1 >= argv.size()) {
        return absl::InvalidArgumentError(
            absl::StrCat("--", name, " needs a value (", option->value_name, ")"));
      }
      value = argv[++i];
    }
    std::vector<std::string>& slot = args.values_[name];
    if (!slot.empty() && !option->repeated) {
      return absl::InvalidArgumentError(
          absl::StrCat("--", name, " given more than once"));
    }
    slot.push_back(std::move(value));
  }
  return args;
}

std::string Args::Get(absl::string_view name, absl::string_view fallback) const {
  auto it = values_.find(name);
  if (it == values_.end()) return std::string(fallback);
  return it->second.back();
}

std::vector<std::string> Args::GetAll(absl::string_view name) const {
  auto it = values_.find(name);
  if (it == values_.end()) return {};
  return it->second;
}

absl::StatusOr<std::string> Args::Required(absl::string_view name) const {
  if (!Has(name) || Get(name).empty()) {
    return absl::InvalidArgumentError(absl::StrCat("--", name, " is required"));
  }
  return Get(name);
}

absl::StatusOr<uint64_t> Args::GetUint(absl::string_view name,
                                       uint64_t fallback) const {
  if (!Has(name)) return fallback;
  uint64_t v = 0;
  std::string s = Get(name);
  if (s.empty() || s[0] == '-' || s[0] == '+' || !absl::SimpleAtoi(s, &v)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--", name, " must be a non-negative integer, got \"", s, "\""));
  }
  return v;
}

absl::StatusOr<absl::Duration> Args::GetDuration(absl::string_view name,
                                                 absl::Duration fallback) const {
  if (!Has(name)) return fallback;
  absl::Duration d;
  if (!absl::ParseDuration(Get(name), &d) || d <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--", name, " must be a positive duration such as 10s, got \"",
        Get(name), "\""));
  }
  return d;
}

int Fail(Io& io, absl::string_view command, const absl::Status& status,
         int code) {
  io.err << "candor " << command << ": " << status.message() << "\n";
  return code;
}

int Run(const std::vector<std::string>& argv, Io& io) {
  if (argv.empty() || argv[0] == "help" || argv[0] == "--help" ||
      argv[0] == "-h") {
    if (argv.size() >= 2) {
      std::string wanted = absl::StrJoin(argv.begin() + 1, argv.end(), " ");
      for (const Command& c : Commands()) {
        if (c.name == wanted) {
          PrintUsage(c, io.out);
          return kExitOk;
        }
      }
      io.err << "candor: no command \"" << wanted << "\"\n";
      return kExitUsage;
    }
    PrintHelp(argv.empty() ? io.err : io.out);
    return argv.empty() ? kExitUsage : kExitOk;
  }
  // The longest command name that prefixes argv wins ("prove inclusion"
  // before "prove").
  const Command* best = nullptr;
  size_t best_words = 0;
  for (const Command& c : Commands()) {
    std::vector<std::string> words = absl::StrSplit(c.name, ' ');
    if (words.size() > argv.size() || words.size() <= best_words) continue;
    if (std::equal(words.begin(), words.end(), argv.begin())) {
      best = &c;
      best_words = words.size();
    }
  }
  if (best == nullptr) {
    io.err << "candor: unknown command \"" << argv[0]
           << "\"; `candor help` lists the commands\n";
    return kExitUsage;
  }
  std::vector<std::string> rest(argv.begin() + best_words, argv.end());
  if (std::find(rest.begin(), rest.end(), "--help") != rest.end()) {
    PrintUsage(*best, io.out);
    return kExitOk;
  }
  absl::StatusOr<Args> args = Args::Parse(rest, best->options);
  if (!args.ok()) {
    io.err << "candor " << best->name << ": " << args.status().message()
           << "\nusage: candor " << best->name << " " << best->usage << "\n";
    return kExitUsage;
  }
  return best->run(*args, io);
}

}  // namespace candor::cli
